package dev.t5j.run;

/**
 * Seeds derived from (run seed, step) with SplitMix64's finaliser, so that a step's random draws (dropout masks)
 * depend on nothing but the seed and the step: what makes a resumed run draw what the uninterrupted one drew.
 */
public final class StepSeeds {
    private StepSeeds() {}

    /** A non-negative seed for {@code step} of a run seeded with {@code seed} (SplitMix64, Steele et al. 2014). */
    public static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}
