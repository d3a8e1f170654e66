package dev.t5j.model;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.InferenceLinear.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link InferenceLinear}: which layout each shape takes, that each equals the plain product, staleness, gradients
 * and the copies' budget.
 */
class InferenceLinearTest {
    private static double maxDiff(Tensor a, Tensor b) {
        assertEquals(Arrays.toString(Tensors.shape(a)), Arrays.toString(Tensors.shape(b)));
        return Tensors.toFloats(a.sub(b).abs().max())[0];
    }

    @Test
    void eachShapeTakesItsMeasuredLayout() {
        assertEquals(Path.TRANSPOSED, InferenceLinear.choose(1, 1536, 512)); // stacked q/k/v, wi
        assertEquals(Path.LINEAR, InferenceLinear.choose(1, 512, 2048)); // wo: faster as it is
        assertEquals(Path.TRANSPOSED, InferenceLinear.choose(1, 512, 512)); // o, cross-attention q
        assertEquals(Path.TRANSPOSED, InferenceLinear.choose(1, 32128, 512)); // the lm head
        // batched steps, beams, and the encoder or teacher-forced passes without gradients
        for (long rows : new long[]{2, 4, 32, 64, 65, 2048})
            assertEquals(Path.PACKED, InferenceLinear.choose(rows, 512, 2048));
    }

    /** Every path against libtorch's linear, at shapes that reach each one (the vocabulary-sized one included). */
    @Test
    void everyPathEqualsTheProduct() {
        torch.manual_seed(21);
        // shapes oneDNN packs correctly (PackedLinear.pack refuses others; PackedLinearTest)
        Map<long[], long[]> weights = Map.of(new long[]{64, 32}, new long[]{1, 2, 3, 64, 65},
                new long[]{32, 64}, new long[]{1, 5}, new long[]{64, 64}, new long[]{1, 4},
                new long[]{16512, 32}, new long[]{1, 3});
        try (var s = new PointerScope(); var ng = new NoGradGuard()) {
            for (var e : weights.entrySet()) {
                Tensor w = torch.randn(e.getKey());
                InferenceLinear d = new InferenceLinear(w);
                for (long rows : e.getValue()) {
                    for (long[] shape : new long[][]{{rows, 1, w.size(1)}, {rows, w.size(1)}}) {
                        Tensor x = torch.randn(shape);
                        String what = Arrays.toString(e.getKey()) + " x " + Arrays.toString(shape);
                        assertTrue(maxDiff(d.apply(x), torch.linear(x, w)) < 1e-4, what);
                    }
                }
                assertTrue(d.hasCopies());
                d.free();
                assertFalse(d.hasCopies());
            }
        }
    }

    @Test
    void withGradientsTheProductStaysDifferentiableAndTakesNoCopy() {
        try (var s = new PointerScope()) {
            torch.manual_seed(22);
            Tensor w = torch.randn(96, 40).requires_grad_(true);
            InferenceLinear d = new InferenceLinear(w);
            Tensor x = torch.randn(4, 1, 40);
            Tensor y = d.apply(x);
            assertTrue(y.requires_grad());
            y.sum().backward();
            assertTrue(maxDiff(w.grad(), x.reshape(4, 40).sum(new long[]{0}, true, new ScalarTypeOptional())
                    .expand(96, 40)) < 1e-4);
            assertFalse(d.hasCopies());
        }
    }

    /** Stacked parts with gradients on: computed part by part from the parameters, so both receive gradients. */
    @Test
    void stackedPartsWithGradientsReachTheParameters() {
        try (var s = new PointerScope()) {
            torch.manual_seed(25);
            Tensor a = torch.randn(24, 16).requires_grad_(true);
            Tensor b = torch.randn(8, 16).requires_grad_(true);
            InferenceLinear d = new InferenceLinear(a, b);
            Tensor x = torch.randn(3, 16);
            Tensor y = d.apply(x);
            assertEquals(32, y.size(1));
            y.sum().backward();
            Tensor colSums = x.sum(new long[]{0}, true, new ScalarTypeOptional());
            assertTrue(maxDiff(a.grad(), colSums.expand(24, 16)) < 1e-4);
            assertTrue(maxDiff(b.grad(), colSums.expand(8, 16)) < 1e-4);
            assertFalse(d.hasCopies());
        }
    }

    /**
     * Copies beyond the process's budget are not made: the products read the weights as they are (stacked ones part
     * by part) and still equal the plain product; freeing gives the budget back.
     */
    @Test
    void overTheBudgetTheWeightsAreReadAsTheyAre() {
        try (var s = new PointerScope(); var ng = new NoGradGuard()) {
            torch.manual_seed(26);
            Tensor a = torch.randn(64, 64);
            Tensor b = torch.randn(32, 64);
            InferenceLinear single = new InferenceLinear(a);
            InferenceLinear both = new InferenceLinear(a, b);
            long held = InferenceLinear.heldBytes();
            long was = InferenceLinear.setBudgetBytes(held + 64 * 64 * 4); // room for one copy of a
            try {
                Tensor row = torch.randn(1, 64); // one row: the transposed copy (no oneDNN packing involved)
                assertTrue(maxDiff(single.apply(row), torch.linear(row, a)) < 1e-4);
                assertTrue(single.hasCopies());
                Tensor x = torch.randn(4, 64);
                assertEquals(held + 64 * 64 * 4, InferenceLinear.heldBytes());
                Tensor want = torch.cat(new TensorVector(torch.linear(x, a), torch.linear(x, b)), 1);
                assertTrue(maxDiff(both.apply(x), want) < 1e-4);
                assertFalse(both.hasCopies()); // no room for the stacked copy
                single.free();
                assertEquals(held, InferenceLinear.heldBytes());
                assertTrue(maxDiff(both.apply(x.narrow(0, 0, 1)), want.narrow(0, 0, 1)) < 1e-4);
                assertFalse(both.hasCopies()); // the stacked 96 x 64 copy alone exceeds the room
            } finally {
                InferenceLinear.setBudgetBytes(was);
                single.free();
                both.free();
            }
            assertEquals(held, InferenceLinear.heldBytes());
        }
    }

    @Test
    void budgetIsTheSettingOrAQuarterOfTheMemory() {
        assertEquals(4L << 30, InferenceLinear.budgetFrom(null, 16L << 30));
        assertEquals(4L << 30, InferenceLinear.budgetFrom(" ", 16L << 30));
        assertEquals(512L << 20, InferenceLinear.budgetFrom("512", 16L << 30));
        assertEquals(0, InferenceLinear.budgetFrom("0", 16L << 30));
        for (String bad : new String[]{"1.5", "-3", "2GB"}) {
            UserError e = assertThrows(UserError.class, () -> InferenceLinear.budgetFrom(bad, 16L << 30));
            assertTrue(e.getMessage().contains("T5J_DECODE_COPIES_MB") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    /** Stacked parts: one product equals the parts' products side by side, and follows an in-place update of any. */
    @Test
    void stackedPartsFollowInPlaceUpdates() {
        try (var s = new PointerScope(); var ng = new NoGradGuard()) {
            torch.manual_seed(23);
            Tensor a = torch.randn(48, 40);
            Tensor b = torch.randn(48, 40);
            InferenceLinear d = new InferenceLinear(a, b);
            for (long rows : new long[]{1, 4, 80}) {
                Tensor x = torch.randn(rows, 40);
                Tensor want = torch.cat(new TensorVector(torch.linear(x, a), torch.linear(x, b)), 1);
                assertTrue(maxDiff(d.apply(x), want) < 1e-4, "rows " + rows);
                b.mul_(Tensors.scalar(-3.0)); // the next product must see it
                want = torch.cat(new TensorVector(torch.linear(x, a), torch.linear(x, b)), 1);
                // relative: b grows 3x per round, and oneDNN sums in another order than libtorch's linear
                double scale = Tensors.toFloats(want.abs().max())[0];
                assertTrue(maxDiff(d.apply(x), want) < 1e-5 * scale, "stale after an update, rows " + rows);
            }
        }
    }

    /**
     * Encoding and decoding steps at batch 1 and 3 without gradients build copies of every weight; a write that
     * bypasses the version counters (the fused AdamW kernel) followed by the trainers' weightsChanged() drops them
     * all, and the next steps equal a full pass over the new weights.
     */
    @Test
    void weightsChangedDropsEveryCopy() {
        for (String preset : new String[]{"tiny", "tiny-v1_1"}) {
            T5Config c = T5ForConditionalGenerationTest.small(preset, 2);
            try (var m = T5ForConditionalGeneration.init(c, 12); var s = new PointerScope();
                 var ng = new NoGradGuard()) {
                int[][] input = {{5, 9, 13, 7, 1}, {4, 4, 8, 1, 0}, {11, 1, 0, 0, 0}};
                int[][] dec = {{0, 17, 3}, {0, 5, 5}, {0, 12, 8}};
                for (int batch : new int[]{1, 3}) stepsMatchFullPass(m, input, dec, batch, preset);
                assertTrue(m.hasInferenceCopies());
                for (var e : m.parameters().entrySet()) {
                    float[] v = Tensors.toFloats(e.getValue());
                    for (int i = 0; i < v.length; i++) v[i] = 0.5f * v[i] + 0.01f * (i % 7);
                    e.getValue().data_ptr_float().put(v);
                }
                m.weightsChanged();
                assertFalse(m.hasInferenceCopies());
                for (int batch : new int[]{1, 3}) stepsMatchFullPass(m, input, dec, batch, preset + " after update");
            }
        }
    }

    /** A server's request threads and its batcher reach the same copies: first uses from several threads agree. */
    @Test
    void concurrentFirstUsesGiveTheProduct() throws Exception {
        torch.manual_seed(24);
        Tensor w = Tensors.keep(torch.randn(64, 32));
        InferenceLinear d = new InferenceLinear(w);
        List<Callable<Double>> jobs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            long rows = t % 2 == 0 ? 1 : 4; // the transposed and the packed copy, each built by several threads
            jobs.add(() -> {
                try (var s = new PointerScope(); var ng = new NoGradGuard()) {
                    Tensor x = torch.ones(rows, 32);
                    return maxDiff(d.apply(x), torch.linear(x, w));
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Double> f : pool.invokeAll(jobs)) assertTrue(f.get() < 1e-4);
        } finally {
            pool.shutdown();
        }
        assertTrue(d.hasCopies());
        d.free();
        assertFalse(d.hasCopies());
        Tensors.free(w);
    }

    /** {@code T5J_DECODE_COPIES=0}: decoding steps keep no copy and still equal the full pass. */
    @Test
    void turnedOffTheStepsKeepNoCopy() {
        boolean was = InferenceLinear.setEnabled(false);
        try {
            T5Config c = T5ForConditionalGenerationTest.small("tiny", 2);
            try (var m = T5ForConditionalGeneration.init(c, 13); var s = new PointerScope();
                 var ng = new NoGradGuard()) {
                int[][] input = {{5, 9, 13, 7, 1}, {4, 4, 8, 1, 0}, {11, 1, 0, 0, 0}};
                int[][] dec = {{0, 17, 3}, {0, 5, 5}, {0, 12, 8}};
                for (int batch : new int[]{1, 3}) stepsMatchFullPass(m, input, dec, batch, "copies off");
                assertFalse(m.hasInferenceCopies());
            }
        } finally {
            InferenceLinear.setEnabled(was);
        }
    }

    /**
     * Decoding steps without gradients (encoder and steps through the copies) against a full pass with gradients on,
     * which reads the parameters themselves.
     */
    private static void stepsMatchFullPass(T5ForConditionalGeneration m, int[][] input, int[][] dec, int batch,
            String what) {
        try (var s = new PointerScope(); DecoderCache cache = m.newCache(2)) {
            Tensor ids = Tensors.longs(Arrays.copyOf(input, batch), 0);
            Tensor decIds = Tensors.longs(Arrays.copyOf(dec, batch), 0);
            GradMode.set_enabled(true);
            Tensor full;
            try {
                full = m.forward(ids, null, decIds).detach();
            } finally {
                GradMode.set_enabled(false);
            }
            Tensor enc = m.encode(ids, null);
            for (int t = 0; t < dec[0].length; t++) {
                Tensor step = m.logits(m.decode(decIds.narrow(1, t, 1), enc, null, null, cache));
                Tensor want = full.narrow(1, t, 1);
                double scale = Math.max(1, Tensors.toFloats(want.abs().max())[0]);
                assertTrue(maxDiff(step, want) < 2e-5 * scale, what + " batch " + batch + " t=" + t);
            }
        }
    }
}
