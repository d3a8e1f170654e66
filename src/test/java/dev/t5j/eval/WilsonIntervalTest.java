package dev.t5j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WilsonIntervalTest {
    /** Newcombe (1998), Stat. Med. 17:857, Table I, method 3 (score interval): 81/263 and 0/10. */
    @Test
    void matchesNewcombesPublishedExamples() {
        WilsonInterval a = WilsonInterval.of95(81, 263);
        assertEquals(0.2553, a.low(), 5e-5);
        assertEquals(0.3662, a.high(), 5e-5);
        WilsonInterval b = WilsonInterval.of95(0, 10);
        assertEquals(0.0, b.low(), 1e-12);
        assertEquals(0.2775, b.high(), 5e-5);
    }

    /** The bounds are the roots of the score test's equation (p̂ − p)² = z² p(1 − p) / n, around p̂. */
    @Test
    void boundsSolveTheScoreEquationAndContainTheEstimate() {
        for (int n : new int[]{1, 7, 200, 5000})
            for (int k = 0; k <= n; k += Math.max(1, n / 7)) {
                WilsonInterval w = WilsonInterval.of95(k, n);
                double p = (double) k / n, z = WilsonInterval.Z95;
                assertTrue(w.contains(p) && w.low() >= 0 && w.high() <= 1, k + "/" + n);
                for (double b : new double[]{w.low(), w.high()})
                    if (b > 1e-12 && b < 1 - 1e-12)
                        assertEquals(z * z * b * (1 - b) / n, (p - b) * (p - b), 1e-12, k + "/" + n);
            }
        assertTrue(WilsonInterval.of95(100, 200).high() - WilsonInterval.of95(100, 200).low()
                > WilsonInterval.of95(1000, 2000).high() - WilsonInterval.of95(1000, 2000).low());
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of95(3, 2));
        assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of95(0, 0));
    }
}
