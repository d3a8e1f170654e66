package dev.t5j.train;

import dev.t5j.model.Losses;
import dev.t5j.optim.Schedule;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ScheduleAndLossTest {
    @Test
    void t5PretrainingScheduleIsConstantThenInverseSqrt() {
        Schedule s = Schedule.rsqrt(1.0, 10_000);
        assertEquals(0.01, s.at(0), 1e-12);
        assertEquals(0.01, s.at(9_999), 1e-12);
        assertEquals(0.005, s.at(40_000), 1e-12);
        assertEquals(1e-3, Schedule.constant(1e-3).at(123_456));
    }

    @Test
    void linearAndCosineWarmupAndDecay() {
        Schedule lin = new Schedule(Schedule.Kind.LINEAR, 1.0, 10, 110, 0);
        assertEquals(0.1, lin.at(0), 1e-12);
        assertEquals(1.0, lin.at(9), 1e-12);
        assertEquals(0.5, lin.at(60), 1e-12);
        assertEquals(0.0, lin.at(110), 1e-12);
        Schedule cos = new Schedule(Schedule.Kind.COSINE, 2.0, 0, 100, 0.1);
        assertEquals(2.0, cos.at(0), 1e-12);
        assertEquals(2.0 * (0.1 + 0.9 * 0.5), cos.at(50), 1e-9);
        assertEquals(0.2, cos.at(100), 1e-9);
        assertThrows(UserError.class, () -> Schedule.Kind.parse("exp"));
        assertThrows(UserError.class, () -> new Schedule(Schedule.Kind.LINEAR, 1, 10, 5, 0));
    }

    /** Uniform logits over V=4: CE = log 4; z-loss adds z·(log 4)²; smoothing subtracts t5x's constant. */
    @Test
    void crossEntropyWithZLossAndLabelSmoothingOnUniformLogits() {
        try (var s = new PointerScope()) {
            Tensor logits = Tensors.floats(new float[2 * 4], 1, 2, 4);
            Tensor targets = Tensors.longs(new long[]{2, 3}, 1, 2);
            Tensor weights = Tensors.floats(new float[]{1, 0}, 1, 2);
            double log4 = Math.log(4);
            assertEquals(log4, Losses.crossEntropySum(logits, targets, weights, 0, 0).item_float(), 1e-6);
            assertEquals(2 * log4, Losses.crossEntropySum(logits, targets, null, 0, 0).item_float(), 1e-6);
            assertEquals(log4 + 1e-4 * log4 * log4, Losses.crossEntropySum(logits, targets, weights, 1e-4,
                    0).item_float(), 1e-6);
            double ls = 0.1, conf = 0.9, low = 0.1 / 3;
            double normalizing = -(conf * Math.log(conf) + 3 * low * Math.log(low + 1e-20));
            assertEquals(log4 - normalizing, Losses.crossEntropySum(logits, targets, weights, 0, ls).item_float(),
                    1e-6);
        }
    }

    @Test
    void crossEntropyMatchesNegativeLogSoftmaxOfTarget() {
        try (var s = new PointerScope()) {
            float[] z = {1f, 2f, 3f};
            Tensor logits = Tensors.floats(z, 1, 1, 3);
            double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
            assertEquals(lse - 1, Losses.crossEntropySum(logits, Tensors.longs(new long[]{0}, 1, 1), null, 0,
                    0).item_float(), 1e-6);
        }
    }
}
