package dev.t5j.prompts;

import java.math.BigInteger;
import java.util.List;

/**
 * CPython's {@code random.Random} (MT19937) as far as promptsource's {@code choice} filter needs it: {@code seed(int)}
 * and {@code choice(seq)}, so that a seeded render picks what Python picks (CPython Modules/_randommodule.c
 * {@code init_by_array}, {@code random_seed}; Lib/random.py {@code _randbelow_with_getrandbits}, {@code choice}).
 */
public final class PyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final long seed;
    private int[] mt; // seeded on first draw: most renders draw nothing, and seeding costs as much as a render
    private int index = N + 1;

    public PyRandom(long seed) {
        this.seed = seed;
    }

    private void seed() {
        BigInteger n = BigInteger.valueOf(seed).abs();
        int words = Math.max(1, (n.bitLength() + 31) / 32);
        int[] key = new int[words];
        for (int i = 0; i < words; i++) key[i] = n.shiftRight(32 * i).intValue();
        mt = new int[N];
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1, j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** genrand_uint32, as an unsigned value in a long. */
    long nextUint32() {
        if (mt == null) seed();
        if (index >= N) {
            for (int k = 0; k < N; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
                mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** {@code _randbelow_with_getrandbits(n)}, n < 2^31: getrandbits(k), k = n.bit_length(), rejecting r ≥ n. */
    public int randBelow(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n);
        long r = nextUint32() >>> (32 - k);
        while (r >= n) r = nextUint32() >>> (32 - k);
        return (int) r;
    }

    /** {@code random.choice(seq)}; Python raises IndexError on an empty sequence. */
    public <T> T choice(List<T> seq) {
        if (seq.isEmpty()) throw new IllegalArgumentException("Cannot choose from an empty sequence");
        return seq.get(randBelow(seq.size()));
    }
}
