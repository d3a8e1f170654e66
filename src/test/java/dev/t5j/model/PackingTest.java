package dev.t5j.model;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A packed row of two examples gives, at each example's positions, the logits of that example alone. */
class PackingTest {
    @Test
    void packedRowEqualsSeparateExamples() {
        int[] in1 = {5, 6, 7, 1}, in2 = {9, 10, 1};
        int[] dec1 = {0, 11, 12}, dec2 = {0, 13};
        int[] tg1 = {11, 12, 1}, tg2 = {13, 1};
        int[][] enc = {{5, 6, 7, 1, 9, 10, 1, 0}};
        int[][] encSeg = {{1, 1, 1, 1, 2, 2, 2, 0}};
        int[][] decIn = {{0, 11, 12, 0, 13, 0}};
        int[][] decTg = {{11, 12, 1, 13, 1, 0}};
        int[][] decSeg = {{1, 1, 1, 2, 2, 0}};
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 4); var s =
                new PointerScope(); var ng = new NoGradGuard()) {
            AttentionMasks.Packed masks = AttentionMasks.packed(enc, encSeg, decTg, decSeg);
            Tensor h = m.encode(Tensors.longs(enc, 0), masks.encoder());
            float[] packed = Tensors.toFloats(m.logits(m.decode(Tensors.longs(decIn, 0), h, masks.cross(),
                    masks.decoder(), null)));
            int v = m.config().vocabSize();
            float[] a = Tensors.toFloats(m.forward(Tensors.longs(new int[][]{in1}, 0), null,
                    Tensors.longs(new int[][]{dec1}, 0)));
            float[] b = Tensors.toFloats(m.forward(Tensors.longs(new int[][]{in2}, 0), null,
                    Tensors.longs(new int[][]{dec2}, 0)));
            for (int t = 0; t < 3; t++) for (int i = 0; i < v; i++) assertEquals(a[t * v + i], packed[t * v + i],
                    1e-4 * Math.max(1, Math.abs(a[t * v + i])));
            for (int t = 0; t < 2; t++) for (int i = 0; i < v; i++) assertEquals(b[t * v + i], packed[(3 + t) * v + i],
                    1e-4 * Math.max(1, Math.abs(b[t * v + i])));
        }
    }
}
