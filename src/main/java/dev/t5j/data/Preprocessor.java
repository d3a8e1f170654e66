package dev.t5j.data;

import java.util.ArrayDeque;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One step of a task's chain. Most steps map one example to one ({@link PerExample}) or many ({@link FlatMap});
 * stream steps (e.g. span corruption's concatenate-and-split) implement {@link #apply} directly.
 *
 * <p>Randomness comes only from the context: each example's generator is a function of (seed, task, split, epoch, step,
 * the example's origin file name and line, and its rank among consecutive examples of the same origin). So a chain is
 * deterministic, resuming by skipping reproduces the exact stream, and per-example steps draw the same randomness
 * however the split is sharded (stream steps such as concatenation naturally depend on the shard's contents).
 */
public interface Preprocessor {
    String name();

    ExampleIterator apply(ExampleIterator in, PreprocessContext ctx);

    /** True if this step uses randomness (informational: shown by {@code t5j data show}). */
    default boolean stochastic() {
        return false;
    }

    /** Maps each example to one example, or null to drop it. */
    interface PerExample extends Preprocessor {
        Example map(Example e, PreprocessContext ctx, RandomGenerator rng);

        @Override
        default ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
            boolean rand = stochastic();
            return ExampleIterator.wrap(new ExampleIterator.Lazy() {
                final PreprocessContext.ExampleSeeds seeds = new PreprocessContext.ExampleSeeds(ctx);

                @Override
                protected Example compute() {
                    while (in.hasNext()) {
                        Example e = in.next();
                        RandomGenerator rng = rand ? seeds.next(e) : null;
                        try {
                            Example out = PerExample.this.map(e, ctx, rng);
                            if (out != null) return out;
                        } catch (BadExampleError err) {
                            ctx.badLines().handle(err);
                        }
                    }
                    return null;
                }
            }, in);
        }
    }

    /** Maps each example to zero or more examples. */
    interface FlatMap extends Preprocessor {
        List<Example> flatMap(Example e, PreprocessContext ctx, RandomGenerator rng);

        @Override
        default ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
            boolean rand = stochastic();
            return ExampleIterator.wrap(new ExampleIterator.Lazy() {
                final ArrayDeque<Example> pending = new ArrayDeque<>();
                final PreprocessContext.ExampleSeeds seeds = new PreprocessContext.ExampleSeeds(ctx);

                @Override
                protected Example compute() {
                    while (pending.isEmpty()) {
                        if (!in.hasNext()) return null;
                        Example e = in.next();
                        RandomGenerator rng = rand ? seeds.next(e) : null;
                        try {
                            pending.addAll(flatMap(e, ctx, rng));
                        } catch (BadExampleError err) {
                            ctx.badLines().handle(err);
                        }
                    }
                    return pending.poll();
                }
            }, in);
        }
    }
}
