package dev.t5j.data;

import dev.t5j.synth.SyntheticTask;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Examples computed by a function of (split, index): example {@code i} is the same whatever shard or position a
 * reader starts from, so sharding and resuming cost nothing. Wraps {@link SyntheticTask}s via {@link #synthetic}.
 */
public final class GeneratorSource implements DataSource {
    /** A pure function: same arguments, same example. */
    @FunctionalInterface
    public interface IndexedGenerator {
        Example generate(String split, long index);
    }

    private final Map<String, Long> sizes;
    private final IndexedGenerator generator;
    private final String description;

    public GeneratorSource(Map<String, Long> splitSizes, IndexedGenerator generator, String description) {
        this.sizes = new LinkedHashMap<>(splitSizes);
        this.generator = generator;
        this.description = description;
    }

    /**
     * A synthetic task as a source: example {@code i} of a split is drawn from a generator seeded by
     * (seed, split, i). Fields {@code inputs}/{@code targets} are token ids without EOS.
     */
    public static GeneratorSource synthetic(SyntheticTask task, Map<String, Long> splitSizes, long seed) {
        return new GeneratorSource(splitSizes, (split, i) -> {
            var rng = new SplittableRandom(Seeds.mix(seed, Seeds.hash(split), i));
            SyntheticTask.SyntheticExample ex = task.generate(rng);
            return Example.of("inputs", ex.inputs(), "targets", ex.targets());
        }, "synthetic " + task.name());
    }

    @Override
    public List<String> splits() {
        return List.copyOf(sizes.keySet());
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        check(split);
        long n = sizes.get(split);
        return new ExampleIterator.Lazy() {
            long i = shard.index();

            @Override
            protected Example compute() {
                if (i >= n) return null;
                long idx = i;
                i += shard.count();
                Example e = generator.generate(split, idx);
                return e.withOrigin(new Example.Origin(null, idx + 1));
            }

            @Override
            public long skip(long k) {
                long before = i;
                long remaining = n > i ? (n - i + shard.count() - 1) / shard.count() : 0;
                long s = Math.min(k, remaining);
                i = before + s * shard.count();
                return s;
            }
        };
    }

    @Override
    public OptionalLong numExamples(String split) {
        Long n = sizes.get(split);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }

    @Override
    public String describe() {
        return description + " " + sizes;
    }
}
