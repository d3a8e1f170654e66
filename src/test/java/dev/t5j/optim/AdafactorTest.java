package dev.t5j.optim;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AdafactorTest {
    private static Tensor param(float[] values, long... shape) {
        return Tensors.keep(Tensors.floats(values, shape)).set_requires_grad(true);
    }

    private static void setGrad(Tensor p, float[] g, long... shape) {
        try (var s = new PointerScope()) {
            p.mul(Tensors.floats(g, shape)).sum().backward(); // d/dp sum(p*g) = g
        }
    }

    @Test
    void factoredDimsFollowT5x() {
        Adafactor.Config c = Adafactor.Config.t5x();
        assertArrayEquals(new int[]{0, 1}, Adafactor.factoredDims(new long[]{512, 2048}, c));
        assertArrayEquals(new int[]{1, 0}, Adafactor.factoredDims(new long[]{32128, 512}, c));
        assertArrayEquals(new int[]{0, 1}, Adafactor.factoredDims(new long[]{512, 512}, c));
        assertNull(Adafactor.factoredDims(new long[]{100, 1000}, c));
        assertNull(Adafactor.factoredDims(new long[]{512}, c));
    }

    /** Unfactored: first update uses g² alone (decay 0), so y = g/|g|; scale = lr · max(RMS(p), 1e-3). */
    @Test
    void firstUnfactoredStepIsSignTimesParameterScale() {
        Tensor p = param(new float[]{3f, -4f}, 2); // RMS(p) = sqrt(12.5)
        Map<String, Tensor> ps = new LinkedHashMap<>();
        ps.put("w", p);
        try (Adafactor opt = new Adafactor(ps, Adafactor.Config.t5x())) {
            setGrad(p, new float[]{0.5f, -2f}, 2);
            opt.step(0.01);
            double scale = 0.01 * Math.sqrt(12.5);
            float[] got = Tensors.toFloats(p);
            assertEquals(3 - scale, got[0], 1e-5);
            assertEquals(-4 + scale, got[1], 1e-5);
            assertTrue(opt.state().containsKey("v/w"));
        }
        p.close();
    }

    /** Second step: decay = 1 - 2^-0.8; v = decay·1 + (1-decay)·100 → y = 10/sqrt(v) ≈ 1.31 > 1, clipped to RMS 1. */
    @Test
    void secondStepDecaysAndClipsToRmsOne() {
        Tensor p = param(new float[]{0f}, 1); // RMS(p)=0 → scale uses epsilon2 = 1e-3
        Map<String, Tensor> ps = Map.of("w", p);
        try (Adafactor opt = new Adafactor(ps, Adafactor.Config.t5x())) {
            setGrad(p, new float[]{1f}, 1);
            opt.step(1.0);
            assertEquals(-1e-3, Tensors.toFloats(p)[0], 1e-7);
            setGrad(p, new float[]{10f}, 1);
            double decay = 1 - Math.pow(2, -0.8);
            float v = Tensors.toFloats(opt.state().get("v/w"))[0];
            assertEquals(1.0, v, 1e-6, "v after the first step is g² (+1e-30)");
            opt.step(1.0);
            assertEquals(decay * 1 + (1 - decay) * 100, Tensors.toFloats(opt.state().get("v/w"))[0], 1e-3);
            assertEquals(-2e-3, Tensors.toFloats(p)[0], 1e-7, "y clipped from ~1.31 to 1 → update = 1e-3");
        }
        p.close();
    }

    /** Factored: when g² is rank one the row/column estimate is exact, so y = sign(g) and the update is lr·scale. */
    @Test
    void factoredEstimateIsExactForRankOneSquares() {
        int rows = 128, cols = 130;
        float[] w = new float[rows * cols];
        float[] g = new float[rows * cols];
        java.util.Arrays.fill(w, 2f);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) g[i * cols + j] = (1 + i % 7) * (0.5f + j % 3);
        Tensor p = param(w, rows, cols);
        try (Adafactor opt = new Adafactor(Map.of("w", p), Adafactor.Config.t5x())) {
            setGrad(p, g, rows, cols);
            opt.step(0.1);
            assertEquals(Tensors.shape(opt.state().get("v_row/w"))[0], rows);
            assertEquals(Tensors.shape(opt.state().get("v_col/w"))[0], cols);
            for (float f : Tensors.toFloats(p)) assertEquals(2 - 0.1 * 2, f, 1e-4);
        }
        p.close();
    }

    @Test
    void stateRoundTripsThroughLoadState() {
        Tensor p = param(new float[]{1f, 2f, 3f}, 3);
        Map<String, Tensor> ps = Map.of("w", p);
        try (Adafactor a = new Adafactor(ps, Adafactor.Config.t5x()); Adafactor b = new Adafactor(ps,
                Adafactor.Config.t5x())) {
            setGrad(p, new float[]{1f, 1f, 2f}, 3);
            a.step(0.1);
            Map<String, float[]> saved = new LinkedHashMap<>();
            a.state().forEach((k, t) -> saved.put(k, Tensors.toFloats(t)));
            b.loadState(saved, a.stepCount());
            assertEquals(1, b.stepCount());
            assertArrayEquals(saved.get("v/w"), Tensors.toFloats(b.state().get("v/w")));
        }
        p.close();
    }
}
