package dev.t5j.eval;

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Brown, Cai and DasGupta 2001, eq. 4): the set of p
 * whose score test does not reject {@code k} successes in {@code n} trials. Unlike the normal (Wald) interval it stays
 * inside [0, 1] and keeps near-nominal coverage for small n and accuracies near 0 or 1.
 *
 * @param low  lower bound, in [0, 1]
 * @param high upper bound, in [0, 1]
 */
public record WilsonInterval(double low, double high) {
    /** z for a two-sided 95% interval (the 0.975 quantile of the standard normal). */
    public static final double Z95 = 1.959963984540054;

    /** The 95% interval of {@code successes} out of {@code trials}. */
    public static WilsonInterval of95(long successes, long trials) {
        return of(successes, trials, Z95);
    }

    public static WilsonInterval of(long successes, long trials, double z) {
        if (trials <= 0 || successes < 0 || successes > trials)
            throw new IllegalArgumentException("need 0 <= successes <= trials and trials > 0, got " + successes
                    + " of " + trials);
        double n = trials, p = successes / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // at 0 or n successes one bound is exactly 0 or 1; rounding must not move it past the estimate
        return new WilsonInterval(successes == 0 ? 0 : Math.max(0, centre - half),
                successes == trials ? 1 : Math.min(1, centre + half));
    }

    public boolean contains(double p) {
        return p >= low && p <= high;
    }
}
