package dev.t5j.model;

import dev.t5j.engine.Autocast;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * bf16 mixed precision ({@link Autocast}) against fp32 on the same tiny T5 and batch. Tolerances: bf16 keeps 8
 * mantissa bits (relative rounding 2^-9 ≈ 0.2%) per matrix product input; through 2+2 layers the logits differ by
 * up to a few percent of their range, the loss by under 1%, and every parameter's gradient keeps its direction
 * (cosine ≥ 0.98) and norm (within 5%).
 */
class MixedPrecisionTest {
    record Pass(float loss, float[] logits, Map<String, float[]> grads) {}

    static Pass pass(T5ForConditionalGeneration m, ComputeDtype dtype) {
        SplittableRandom r = new SplittableRandom(5);
        int[][] in = new int[3][10];
        int[][] tg = new int[3][7];
        for (int[] row : in) for (int j = 0; j < row.length; j++) row[j] = 2 + r.nextInt(500);
        for (int[] row : tg) for (int j = 0; j < row.length; j++) row[j] = 2 + r.nextInt(500);
        try (PointerScope s = new PointerScope()) {
            Tensor labels = Tensors.longs(tg, 0);
            Tensor logits;
            Tensor loss;
            try (Autocast a = Autocast.open(dtype)) {
                logits = m.forward(Tensors.longs(in, 0), null, m.shiftRight(labels));
                loss = T5ForConditionalGeneration.loss(logits, labels);
            }
            assertEquals(dtype == ComputeDtype.BF16 ? ScalarType.BFloat16 : ScalarType.Float,
                    logits.scalar_type().intern(), "the lm head runs in the compute dtype");
            assertEquals(ScalarType.Float, loss.scalar_type().intern(), "the loss is fp32, as t5x's");
            loss.backward();
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
                Tensor p = e.getValue();
                assertEquals(ScalarType.Float, p.scalar_type().intern(), "master weights stay fp32");
                assertEquals(ScalarType.Float, p.grad().scalar_type().intern(), "gradients reach them in fp32");
                grads.put(e.getKey(), Tensors.toFloats(p.grad()));
                p.mutable_grad().reset();
            }
            return new Pass(loss.item_float(), Tensors.toFloats(logits), grads);
        }
    }

    @Test
    void bf16ForwardAndBackwardTrackFp32() {
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 7)) {
            m.train(true);
            Pass f32 = pass(m, ComputeDtype.FP32);
            Pass b16 = pass(m, ComputeDtype.BF16);
            assertEquals(f32.loss(), b16.loss(), 0.01 * f32.loss());
            double range = 0, maxDiff = 0;
            for (int i = 0; i < f32.logits().length; i++) {
                range = Math.max(range, Math.abs(f32.logits()[i]));
                maxDiff = Math.max(maxDiff, Math.abs(f32.logits()[i] - b16.logits()[i]));
            }
            assertTrue(maxDiff > 0, "bf16 must actually round (else autocast did nothing)");
            assertTrue(maxDiff < 0.05 * range, "logits max diff " + maxDiff + " of range " + range);
            for (String name : f32.grads().keySet()) {
                float[] a = f32.grads().get(name);
                float[] b = b16.grads().get(name);
                double dot = 0, na = 0, nb = 0;
                for (int i = 0; i < a.length; i++) {
                    dot += (double) a[i] * b[i];
                    na += (double) a[i] * a[i];
                    nb += (double) b[i] * b[i];
                }
                if (na == 0) continue;
                assertTrue(dot / Math.sqrt(na * nb) >= 0.98, name + ": cosine " + dot / Math.sqrt(na * nb));
                assertEquals(1.0, Math.sqrt(nb / na), 0.05, name + ": gradient norm ratio");
            }
        }
    }
}
