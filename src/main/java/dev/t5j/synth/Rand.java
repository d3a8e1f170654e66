package dev.t5j.synth;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The few sampling primitives of Python's {@code random}/{@code numpy.random} that the reference generators use, over a
 * Java {@link RandomGenerator}. Same distributions, not the same streams: examples are reproducible given our seed,
 * not bit-identical to the Python files.
 */
final class Rand {
    private Rand() {}

    /** {@code random.randint(a, b)}: uniform in [a, b], both ends included. */
    static int randint(RandomGenerator r, int a, int b) {
        if (a > b) throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
        return a == b ? a : r.nextInt(a, b + 1);
    }

    /** {@code random.uniform(0, 1)}. */
    static double uniform(RandomGenerator r) {
        return r.nextDouble();
    }

    /** {@code random.choice(pop)}. */
    static int choice(RandomGenerator r, int[] pop) {
        return pop[r.nextInt(pop.length)];
    }

    /** {@code random.choices(pop, k=k)}: k draws with replacement. */
    static int[] choices(RandomGenerator r, int[] pop, int k) {
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = pop[r.nextInt(pop.length)];
        return out;
    }

    /** {@code random.sample(pop, k)}: k distinct positions of pop, in random order. */
    static int[] sample(RandomGenerator r, int[] pop, int k) {
        int n = pop.length;
        if (k > n) throw new IllegalArgumentException("sample larger than population: " + k + " > " + n);
        int[] out = new int[k];
        if ((long) k * 4 < n) {
            // Few picks from a large pool (e.g. 109 of 31,998): rejection on a small open-addressing set of indices.
            int cap = Integer.highestOneBit(Math.max(4, k * 4)) << 1;
            int[] seen = new int[cap];
            Arrays.fill(seen, -1);
            for (int i = 0; i < k; ) {
                int idx = r.nextInt(n);
                int h = (idx * 0x9E3779B9) >>> 1 & (cap - 1);
                boolean dup = false;
                while (seen[h] != -1) {
                    if (seen[h] == idx) {
                        dup = true;
                        break;
                    }
                    h = (h + 1) & (cap - 1);
                }
                if (dup) continue;
                seen[h] = idx;
                out[i++] = pop[idx];
            }
            return out;
        }
        int[] copy = pop.clone();
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
            out[i] = copy[i];
        }
        return out;
    }

    /** {@code random.shuffle} (Fisher-Yates) in place. */
    static void shuffle(RandomGenerator r, int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static <T> void shuffle(RandomGenerator r, List<T> a) {
        for (int i = a.size() - 1; i > 0; i--) Collections.swap(a, i, r.nextInt(i + 1));
    }

    /** {@code np.random.multinomial(n, [1/k]*k)}: n balls thrown uniformly into k bins (bins may stay empty). */
    static int[] partition(RandomGenerator r, int n, int k) {
        int[] parts = new int[k];
        for (int i = 0; i < n; i++) parts[r.nextInt(k)]++;
        return parts;
    }

    /** {@code _random_partition_no_zeros(n, k)}: a multinomial partition of n - k plus one in every bin. */
    static int[] partitionNoZeros(RandomGenerator r, int n, int k) {
        if (k > n || k < 1) throw new IllegalArgumentException("cannot split " + n + " into " + k + " non-empty parts");
        int[] parts = partition(r, n - k, k);
        for (int i = 0; i < k; i++) parts[i]++;
        return parts;
    }
}
