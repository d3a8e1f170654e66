package dev.t5j.data;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seqio Mixture: tasks or nested mixtures with rates (relative weights, normalized). A nested mixture contributes
 * its own normalized task weights times its rate. Sampling is with a seeded generator: each example picks a task with
 * probability proportional to its rate. As in seqio ({@code stop_on_empty_dataset=True}) the mixture ends when a
 * picked task runs out; with {@code numEpochs = 0} tasks repeat forever.
 *
 * <p>Exact resume: the task choices depend only on the seed, so skipping {@code k} examples replays {@code k} choices,
 * counts how many came from each task and skips that many in each task stream.
 */
public final class Mixture implements DatasetProvider {
    /** A member (a task or a mixture, resolved when the mixture is built) and its rate. */
    public record Entry(DatasetProvider provider, Rate rate) {
        public String name() {
            return provider.name();
        }
    }

    public record WeightedTask(Task task, double weight) {}

    private final String name;
    private final List<Entry> entries;

    public Mixture(String name, List<Entry> entries) {
        this.name = name;
        if (entries.isEmpty()) throw new UserError("mixture '" + name + "' has no tasks");
        this.entries = List.copyOf(entries);
    }

    /** All members share {@code rate}. */
    public static Mixture of(String name, Rate rate, List<? extends DatasetProvider> members) {
        List<Entry> l = new ArrayList<>();
        for (DatasetProvider p : members) l.add(new Entry(p, rate));
        return new Mixture(name, l);
    }

    @Override
    public String name() {
        return name;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * This mixture with every member named {@code p.name()} (at any depth) replaced by {@code p}; itself when none
     * is. Used when a task file overrides a built-in that a built-in mixture holds.
     */
    public Mixture replacing(DatasetProvider p) {
        List<Entry> l = new ArrayList<>();
        boolean changed = false;
        for (Entry e : entries) {
            DatasetProvider q = e.provider().name().equals(p.name()) ? p
                    : e.provider() instanceof Mixture m ? m.replacing(p) : e.provider();
            changed |= q != e.provider();
            l.add(new Entry(q, e.rate()));
        }
        return changed ? new Mixture(name, l) : this;
    }

    /**
     * This mixture without the tasks named in {@code tasks} (at any depth; sub-mixtures left empty are dropped), or
     * null when nothing is left. The remaining rates are renormalised by {@link #weightedTasks}.
     */
    public Mixture without(Set<String> tasks) {
        List<Entry> l = MissingMembers.keep(entries, tasks);
        return l.isEmpty() ? null : l.size() == entries.size() && l.equals(entries) ? this : new Mixture(name, l);
    }

    @Override
    public List<WeightedTask> weightedTasks(ReadOptions o) {
        Map<Task, Double> acc = new LinkedHashMap<>();
        double total = 0;
        for (Entry e : entries) {
            double r = e.rate().compute(e.provider(), o);
            if (!(r >= 0) || Double.isInfinite(r))
                throw new UserError("mixture '" + name + "': rate of '" + e.name() + "' is " + r);
            total += r;
            for (WeightedTask wt : e.provider().weightedTasks(o)) acc.merge(wt.task(), r * wt.weight(), Double::sum);
        }
        if (!(total > 0))
            throw new UserError("mixture '" + name + "': rates sum to zero ("
                    + entries.stream().map(Entry::name).toList() + ")");
        List<WeightedTask> out = new ArrayList<>();
        for (var en : acc.entrySet()) out.add(new WeightedTask(en.getKey(), en.getValue() / total));
        return out;
    }

    @Override
    public void check(ReadOptions o) {
        for (WeightedTask wt : weightedTasks(o)) if (wt.weight() > 0) wt.task().check(o);
    }

    @Override
    public long numTrainExamples(ReadOptions o) {
        long s = 0;
        for (Entry e : entries) s += e.provider().numTrainExamples(o);
        return s;
    }

    /** The sampler: a pure function of the seed. */
    static final class Sampler {
        private final double[] cumulative;
        private final SplittableRandom rng;

        Sampler(double[] weights, long seed) {
            cumulative = new double[weights.length];
            double s = 0;
            for (int i = 0; i < weights.length; i++) cumulative[i] = (s += weights[i]);
            rng = new SplittableRandom(seed);
        }

        int next() {
            double u = rng.nextDouble() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
            // rounding put u at the very top: the last task with a positive weight
            for (int i = cumulative.length - 1; i > 0; i--) if (cumulative[i] > cumulative[i - 1]) return i;
            return 0;
        }
    }

    @Override
    public ExampleIterator open(ReadOptions o) {
        List<WeightedTask> tasks = weightedTasks(o);
        check(o);
        int n = tasks.size();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = tasks.get(i).weight();
        // the shard is part of the seed so parallel sub-streams do not repeat the same task choices
        long samplerSeed = Seeds.mix(o.seed(), Seeds.hash(name), 0x313, o.shard().index(), o.shard().count());
        // replay the choices of the skipped prefix
        long[] skipPerTask = new long[n];
        Sampler sampler = new Sampler(w, samplerSeed);
        for (long k = 0; k < o.skip(); k++) skipPerTask[sampler.next()]++;
        ExampleIterator[] its = new ExampleIterator[n];
        for (int i = 0; i < n; i++) {
            if (w[i] == 0) continue;
            Task t = tasks.get(i).task();
            its[i] = t.open(o.withSkip(skipPerTask[i]).withSeed(Seeds.mix(o.seed(), Seeds.hash(t.name()))));
        }
        return new ExampleIterator.Lazy() {
            boolean ended;

            @Override
            protected Example compute() {
                if (ended) return null;
                int i = sampler.next();
                if (!its[i].hasNext()) {
                    ended = true;
                    return null;
                }
                return its[i].next();
            }

            @Override
            public void close() {
                for (ExampleIterator it : its) if (it != null) it.close();
            }
        };
    }

    @Override
    public String toString() {
        return "Mixture(" + name + ")";
    }
}
