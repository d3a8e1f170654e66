package dev.t5j.data;

import java.nio.charset.StandardCharsets;

/** Deterministic seed derivation (SplitMix64 finalizer): every random choice is a function of named integers. */
public final class Seeds {
    private Seeds() {}

    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) h = fmix(h ^ fmix(p + 0x632BE59BD9B4E019L));
        return h;
    }

    public static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Stable (not String.hashCode-dependent across versions) 64-bit hash of a name. */
    public static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return fmix(h);
    }
}
