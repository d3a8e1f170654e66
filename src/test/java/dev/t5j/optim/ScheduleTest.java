package dev.t5j.optim;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Schedule kinds; Atlas's WarmupLinearScheduler / CosineScheduler / FixedScheduler multipliers (ratio 0.1), values
 * worked by hand.
 */
class ScheduleTest {
    @Test
    void linearRisesFromTenthToOneThenFallsToTenth() {
        Schedule s = Schedule.atlas("linear", 2.0, 10, 110);
        assertEquals(0.2, s.at(0), 1e-12);
        assertEquals(2.0 * (0.9 * 5 / 10 + 0.1), s.at(5), 1e-12);
        assertEquals(2.0, s.at(10), 1e-12);
        assertEquals(2.0 * (1 - 0.9 * 50 / 100.0), s.at(60), 1e-12);
        assertEquals(0.2, s.at(110), 1e-12);
    }

    @Test
    void cosineRisesFromZeroThenDecaysToTenth() {
        Schedule s = Schedule.atlas("cosine", 1.0, 4, 104);
        assertEquals(0.0, s.at(0), 1e-12);
        assertEquals(0.5, s.at(2), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.1 + 0.9 * Math.cos(0.25 * Math.PI), s.at(54), 1e-12);
        assertEquals(0.1, s.at(104), 1e-12);
    }

    @Test
    void fixedIsConstantAndUnknownKindsAreRefused() {
        assertEquals(3e-4, Schedule.atlas("fixed", 3e-4, 0, 10).at(7), 0);
        assertThrows(UserError.class, () -> Schedule.atlas("rsqrt", 1, 0, 10));
        UserError e = assertThrows(UserError.class, () -> Schedule.Kind.parse("cosin"));
        assertTrue(e.getMessage().contains("constant, rsqrt, linear, cosine"), e.getMessage());
        assertEquals(Schedule.Kind.COSINE, Schedule.Kind.parse("Cosine"));
    }
}
