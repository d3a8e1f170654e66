package dev.t5j.data;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Mixture members whose data cannot be read (e.g. T0 datasets not under the data directory): an error listing them,
 * or, when allowed ({@code --allow-missing}, {@code data.allow_missing}), a note listing them and the set to skip.
 * Never silent (issue 11: "trains on those present only when asked").
 */
public final class MissingMembers {
    private MissingMembers() {}

    /**
     * The names of the members of {@code p} (a mixture; none for a task) that cannot be read for {@code o}'s split.
     * Members without that split are left to the caller. {@code allowedBy} says how to allow missing members
     * ("pass --allow-missing").
     */
    public static Set<String> report(DatasetProvider p, List<Mixture.WeightedTask> tasks, ReadOptions o,
                                     boolean allowMissing, String allowedBy, Consumer<String> note) {
        return report(p, tasks, o, allowMissing, allowedBy, note, false);
    }

    /** {@code withoutSplit}: members without {@code o}'s split count as missing (training needs every member). */
    private static Set<String> report(DatasetProvider p, List<Mixture.WeightedTask> tasks, ReadOptions o,
                                      boolean allowMissing, String allowedBy, Consumer<String> note,
                                      boolean withoutSplit) {
        Set<String> missing = new LinkedHashSet<>();
        if (!(p instanceof Mixture)) return missing;
        Map<String, Integer> byDataset = new LinkedHashMap<>();
        for (Mixture.WeightedTask wt : tasks) {
            Task t = wt.task();
            if (!t.splits().contains(o.split())) {
                if (withoutSplit) {
                    missing.add(t.name());
                    byDataset.merge(t.source().describe() + ", no split '" + o.split() + "'", 1, Integer::sum);
                }
                continue; // else reported by the caller as "no split"
            }
            try {
                t.check(o);
            } catch (UserError e) {
                missing.add(t.name());
                byDataset.merge(t.source().describe(), 1, Integer::sum);
            }
        }
        if (missing.isEmpty()) return missing;
        List<String> datasets = byDataset.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " tasks)")
                .toList();
        String what = "mixture '" + p.name() + "': " + missing.size() + " of " + tasks.size()
                + " members cannot be read for split '" + o.split() + "': ";
        if (!allowMissing) {
            // the error names a few datasets (t0_train misses dozens when only some are on disk); the note, which
            // the user asked for, names them all
            String shown = datasets.size() <= ERROR_DATASETS ? datasets.toString()
                    : datasets.subList(0, ERROR_DATASETS) + " and " + (datasets.size() - ERROR_DATASETS)
                    + " more datasets (`t5j data show --mixture " + p.name() + " --allow-missing` lists them all)";
            throw new UserError(what + shown + "; " + allowedBy + " to use the " + (tasks.size() - missing.size())
                    + " others");
        }
        note.accept("t5j: note: " + what + datasets + "; skipped, as allowed");
        return missing;
    }

    /** Datasets an error names before "and N more". */
    static final int ERROR_DATASETS = 4;

    /**
     * Training on a mixture: itself when every member can be read; else an error naming the missing members, or
     * (allowed) the mixture of the others, their rates renormalised, after a note naming the missing ones.
     */
    public static DatasetProvider present(DatasetProvider p, ReadOptions o, boolean allowMissing, String allowedBy,
                                          Consumer<String> note) {
        if (!(p instanceof Mixture m)) return p;
        Set<String> missing = report(p, m.weightedTasks(o), o, allowMissing, allowedBy, note, true);
        if (missing.isEmpty()) return p;
        Mixture kept = m.without(missing);
        if (kept == null) throw new UserError("mixture '" + p.name() + "': no member can be read for split '"
                + o.split() + "'");
        return kept;
    }

    static List<Mixture.Entry> keep(List<Mixture.Entry> entries, Set<String> drop) {
        List<Mixture.Entry> out = new ArrayList<>();
        for (Mixture.Entry e : entries) {
            if (e.provider() instanceof Mixture sub) {
                Mixture s = sub.without(drop);
                if (s != null) out.add(new Mixture.Entry(s, e.rate()));
            } else if (!drop.contains(e.name())) {
                out.add(e);
            }
        }
        return out;
    }
}
