package dev.t5j.data;

import java.util.SplittableRandom;

/**
 * tf.data-style shuffle buffer: fill {@code size} examples, then emit a uniformly chosen one and refill its slot.
 * Deterministic for a given seed and input order.
 */
final class ShuffleBuffer {
    private ShuffleBuffer() {}

    static ExampleIterator shuffle(ExampleIterator in, int size, long seed) {
        if (size <= 1) return in;
        SplittableRandom rng = new SplittableRandom(seed);
        Example[] buf = new Example[size];
        return ExampleIterator.wrap(new ExampleIterator.Lazy() {
            int n;

            @Override
            protected Example compute() {
                while (n < size && in.hasNext()) buf[n++] = in.next();
                if (n == 0) return null;
                int i = rng.nextInt(n);
                Example e = buf[i];
                if (in.hasNext()) buf[i] = in.next();
                else {
                    buf[i] = buf[n - 1];
                    buf[--n] = null;
                }
                return e;
            }
        }, in);
    }
}
