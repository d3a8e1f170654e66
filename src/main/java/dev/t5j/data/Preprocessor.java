package dev.t5j.data;

import java.util.ArrayDeque;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One step of a task's chain. Most steps map one example to one ({@link PerExample}) or many ({@link FlatMap});
 * stream steps (e.g. span corruption's concatenate-and-split) implement {@link #apply} directly.
 *
 * <p>Randomness comes only from {@link PreprocessContext#rng}, so a chain is a deterministic function of (seed, epoch,
 * shard) and resuming by skipping reproduces the exact stream.
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
                long counter;

                @Override
                protected Example compute() {
                    while (in.hasNext()) {
                        Example e = in.next();
                        RandomGenerator rng = rand ? ctx.rng(counter) : null;
                        counter++;
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
                long counter;

                @Override
                protected Example compute() {
                    while (pending.isEmpty()) {
                        if (!in.hasNext()) return null;
                        Example e = in.next();
                        RandomGenerator rng = rand ? ctx.rng(counter) : null;
                        counter++;
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
