package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mixture members whose data cannot be read (e.g. T0 datasets not under the data directory): an error listing them,
 * or with {@code --allow-missing} a note listing them and the set to skip. Never silent.
 */
final class MissingMembers {
    private MissingMembers() {}

    static Set<String> report(DatasetProvider p, List<Mixture.WeightedTask> tasks, ReadOptions o, boolean allowMissing,
                              PrintWriter err) {
        Set<String> missing = new LinkedHashSet<>();
        if (!(p instanceof Mixture)) return missing;
        Map<String, Integer> byDataset = new LinkedHashMap<>();
        for (Mixture.WeightedTask wt : tasks) {
            Task t = wt.task();
            if (!t.splits().contains(o.split())) continue; // reported by the caller as "no split"
            try {
                t.check(o);
            } catch (UserError e) {
                missing.add(t.name());
                byDataset.merge(t.source().describe(), 1, Integer::sum);
            }
        }
        if (missing.isEmpty()) return missing;
        String list = byDataset.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " tasks)").toList()
                .toString();
        String what = "mixture '" + p.name() + "': " + missing.size() + " of " + tasks.size()
                + " members cannot be read"
                + " for split '" + o.split() + "': " + list;
        if (!allowMissing)
            throw new UserError(what + "; pass --allow-missing to use the " + (tasks.size() - missing.size())
                    + " others");
        err.println("t5j: note: " + what + "; skipped (--allow-missing)");
        err.flush();
        return missing;
    }
}
