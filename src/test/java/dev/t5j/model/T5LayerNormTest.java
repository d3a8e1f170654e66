package dev.t5j.model;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link T5LayerNorm}'s few-row path (computed in Java) against libtorch's {@code rms_norm}, and its weight cache. */
class T5LayerNormTest {
    private static double relDiff(Tensor got, Tensor want) {
        return Tensors.toFloats(got.sub(want).abs().max())[0] / Tensors.toFloats(want.abs().max())[0];
    }

    private static Tensor reference(T5LayerNorm n, Tensor x, T5Config c) {
        return torch.rms_norm(x, new long[]{c.dModel()}, new TensorOptional(n.weight),
                new DoubleOptional(c.layerNormEpsilon()));
    }

    @Test
    void fewRowsEqualRmsNormAndFollowTheWeight() {
        T5Config c = T5ForConditionalGenerationTest.small("tiny", 2);
        try (var m = T5ForConditionalGeneration.init(c, 31); var s = new PointerScope(); var ng = new NoGradGuard()) {
            T5LayerNorm n = m.decoder.block[1].ff.layerNorm;
            n.weight.copy_(torch.randn(c.dModel()));
            for (int i = 0; i < 5; i++) {
                Tensor x = torch.randn(1, 1, c.dModel()).mul(Tensors.scalar(Math.pow(10, i - 2)));
                assertTrue(relDiff(n.forward(x), reference(n, x, c)) < 1e-6, "scale 1e" + (i - 2));
            }
            // several rows (a batch of decoding steps, beams), each with its own scale: every row normed alone
            int k = T5LayerNorm.JAVA_ROWS;
            float[] scales = new float[k];
            for (int r = 0; r < k; r++) scales[r] = (float) Math.pow(10, -2 + 4.0 * r / (k - 1));
            Tensor rows = torch.randn(k, 1, c.dModel()).mul(Tensors.floats(scales, k, 1, 1));
            Tensor want = reference(n, rows, c);
            Tensor got = n.forward(rows);
            for (int r = 0; r < k; r++)
                assertTrue(relDiff(got.select(0, r), want.select(0, r)) < 1e-6, "row " + r);
            assertTrue(n.hasInferenceCopies());
            Tensor x = torch.randn(1, 1, c.dModel());
            n.weight.mul_(Tensors.scalar(-2.0)); // in place: the version counter moves
            assertTrue(relDiff(n.forward(x), reference(n, x, c)) < 1e-6, "after an in-place update");
            float[] w = Tensors.toFloats(n.weight);
            for (int i = 0; i < w.length; i++) w[i] = 0.5f + 0.01f * i;
            n.weight.data_ptr_float().put(w); // bypasses the counter, as the fused optimizer kernels do
            m.weightsChanged();
            assertFalse(n.hasInferenceCopies());
            assertTrue(relDiff(n.forward(x), reference(n, x, c)) < 1e-6, "after weightsChanged");
        }
    }

    @Test
    void manyRowsGradientsAndCopiesOffKeepLibtorch() {
        T5Config c = T5ForConditionalGenerationTest.small("tiny", 2);
        try (var m = T5ForConditionalGeneration.init(c, 32); var s = new PointerScope()) {
            T5LayerNorm n = m.encoder.finalLayerNorm;
            Tensor x = torch.randn(1, 1, c.dModel()).requires_grad_(true);
            Tensor y = n.forward(x); // gradients on
            assertTrue(y.requires_grad());
            assertFalse(n.hasInferenceCopies());
            try (var ng = new NoGradGuard()) {
                Tensor rows = torch.randn(5, 13, c.dModel()); // 65 rows: more than JAVA_ROWS
                assertTrue(relDiff(n.forward(rows), reference(n, rows, c)) < 1e-6);
                assertFalse(n.hasInferenceCopies());
                Tensor strided = torch.randn(4, c.dModel(), 2).select(2, 0); // not contiguous
                assertTrue(relDiff(n.forward(strided), reference(n, strided, c)) < 1e-6);
                assertFalse(n.hasInferenceCopies());
                boolean was = InferenceLinear.setEnabled(false);
                try {
                    Tensor one = torch.randn(1, 1, c.dModel());
                    assertTrue(relDiff(n.forward(one), reference(n, one, c)) < 1e-6);
                    assertFalse(n.hasInferenceCopies());
                } finally {
                    InferenceLinear.setEnabled(was);
                }
            }
        }
    }
    /**
     * A bf16 model's few rows (normed in Java) against HF's casts in libtorch (the path with copies off): the same
     * bf16 values, or one bf16 step apart where the fp32 mean of squares rounds differently (summed in another order).
     */
    @Test
    void bf16FewRowsFollowHfCasts() {
        T5Config c = T5ForConditionalGenerationTest.small("tiny", 2);
        try (var m = new T5ForConditionalGeneration(c, ScalarType.BFloat16); var s = new PointerScope();
             var ng = new NoGradGuard()) {
            T5LayerNorm n = m.decoder.block[0].ff.layerNorm;
            n.weight.copy_(torch.randn(c.dModel()));
            int k = T5LayerNorm.JAVA_ROWS_BF16;
            float[] scales = new float[k];
            for (int r = 0; r < k; r++) scales[r] = (float) Math.pow(10, -2 + 4.0 * r / (k - 1));
            Tensor rows = torch.randn(k, 1, c.dModel()).mul(Tensors.floats(scales, k, 1, 1)).to(ScalarType.BFloat16);
            Tensor more = torch.randn(k + 1, 1, c.dModel()).to(ScalarType.BFloat16);
            n.forward(more);
            assertFalse(n.hasInferenceCopies(), "more rows than JAVA_ROWS_BF16 stay in libtorch");
            Tensor got = n.forward(rows);
            assertTrue(n.hasInferenceCopies(), "the Java path ran");
            assertEquals(ScalarType.BFloat16, got.scalar_type().intern());
            Tensor want;
            boolean was = InferenceLinear.setEnabled(false);
            try {
                want = n.forward(rows);
            } finally {
                InferenceLinear.setEnabled(was);
            }
            float[] g = Tensors.toFloats(got);
            float[] w = Tensors.toFloats(want);
            int same = 0;
            for (int i = 0; i < g.length; i++) {
                if (g[i] == w[i]) same++;
                else assertEquals(w[i], g[i], Math.abs(w[i]) / 64, "element " + i); // one bf16 step: 2^-7 to 2^-8
            }
            assertTrue(same >= g.length * 0.99, same + " of " + g.length + " equal");
        }
    }
}
