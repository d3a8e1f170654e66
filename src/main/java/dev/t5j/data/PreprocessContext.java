package dev.t5j.data;

import dev.t5j.common.UserError;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a preprocessor may know about the run: task, split, seed and epoch (stochastic steps draw fresh randomness
 * each epoch), its own position in the chain, output features, sequence lengths (null when not fixed), the shard,
 * and the bad-line policy.
 */
public record PreprocessContext(String taskName, String split, long seed, int epoch, int step, Shard shard,
                                Map<String, Feature> outputFeatures, Map<String, Integer> sequenceLengths,
                                BadLines badLines) {
    public PreprocessContext withStep(int s) {
        return new PreprocessContext(taskName, split, seed, epoch, s, shard, outputFeatures, sequenceLengths, badLines);
    }

    /** Per-example generators keyed by origin (see {@link Preprocessor}); one instance per stream. */
    public static final class ExampleSeeds {
        private final PreprocessContext ctx;
        private final long base;
        private Example.Origin last;
        private long dup;

        public ExampleSeeds(PreprocessContext ctx) {
            this.ctx = ctx;
            this.base = Seeds.mix(ctx.seed, Seeds.hash(ctx.taskName), Seeds.hash(ctx.split), ctx.epoch, ctx.step);
        }

        public SplittableRandom next(Example e) {
            Example.Origin o = e.origin();
            dup = o.equals(last) ? dup + 1 : 0;
            last = o;
            long file = o.file() == null ? 0 : Seeds.hash(String.valueOf(o.file().getFileName()));
            return new SplittableRandom(Seeds.mix(base, file, o.line(), dup));
        }
    }

    public Feature feature(String name) {
        Feature f = outputFeatures.get(name);
        if (f == null) throw new UserError("task '" + taskName + "' has no output feature '" + name + "' (features: "
                + outputFeatures.keySet() + ")");
        return f;
    }

    /** The sequence length of a feature; a user error naming the preprocessor when lengths were not given. */
    public int sequenceLength(String feature, String who) {
        Integer n = sequenceLengths == null ? null : sequenceLengths.get(feature);
        if (n == null) throw new UserError(who + " in task '" + taskName + "' needs a sequence length for '" + feature
                + "' (pass e.g. --inputs-length/--targets-length)");
        return n;
    }

    public boolean training() {
        return "train".equals(split);
    }
}
