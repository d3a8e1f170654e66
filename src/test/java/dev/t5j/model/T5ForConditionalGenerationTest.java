package dev.t5j.model;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class T5ForConditionalGenerationTest {
    static final int[] INPUT = {5, 17, 3, 99, 42, 7, 1};
    static final int[] DEC = {0, 12, 9, 300, 4};

    static T5Config small(String preset, int layers) {
        T5Config b = T5Config.preset(preset);
        return new T5Config(b.vocabSize(), b.dModel(), b.dKv(), b.dFf(), layers, layers + 1, b.numHeads(), 32, 128, 0.0,
                1e-6, 1.0,
                b.feedForwardProj(), b.tieWordEmbeddings(), 0, 1, 0);
    }

    private static void assertMatchesNaive(T5Config cfg) {
        try (var m = T5ForConditionalGeneration.init(cfg, 1234); var s = new PointerScope(); var ng =
                new NoGradGuard()) {
            float[] got = Tensors.toFloats(m.forward(Tensors.longs(new int[][]{INPUT}, 0), null,
                    Tensors.longs(new int[][]{DEC}, 0)));
            double[][] want = new NaiveT5(m).logits(INPUT, DEC);
            double maxDiff = 0;
            for (int t = 0; t < DEC.length; t++)
                for (int v = 0; v < cfg.vocabSize(); v++) maxDiff = Math.max(maxDiff, Math.abs(got[t * cfg.vocabSize()
                        + v] - want[t][v]));
            assertTrue(maxDiff < 1e-4, "max |libtorch - naive| = " + maxDiff);
        }
    }

    @Test
    void v10TiedReluMatchesNaiveReference() {
        assertMatchesNaive(small("tiny", 2));
    }

    @Test
    void v11GatedGeluUntiedMatchesNaiveReference() {
        assertMatchesNaive(small("tiny-v1_1", 2));
    }

    @Test
    void parameterNamesAndCountFollowHf() {
        T5Config c = T5Config.preset("tiny-v1_1");
        try (var m = T5ForConditionalGeneration.init(c, 1)) {
            Map<String, Tensor> p = m.parameters();
            assertTrue(p.containsKey("shared.weight"));
            assertTrue(p.containsKey("lm_head.weight"));
            assertTrue(p.containsKey("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"));
            assertFalse(p.containsKey("encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight"));
            assertTrue(p.containsKey("decoder.block.1.layer.1.EncDecAttention.q.weight"));
            assertTrue(p.containsKey("decoder.block.1.layer.2.DenseReluDense.wi_1.weight"));
            assertTrue(p.containsKey("decoder.final_layer_norm.weight"));
            // Derived count formula of the reference §1.6 (k = 3 for gated).
            long d = c.dModel(), inner = c.innerDim(), ff = c.dFf(), L = c.numLayers(), h = c.numHeads(), V =
                    c.vocabSize();
            long enc = L * (4 * d * inner + 3 * d * ff + 2 * d) + 32 * h + d;
            long dec = L * (8 * d * inner + 3 * d * ff + 3 * d) + 32 * h + d;
            assertEquals(enc + dec + 2 * V * d, m.parameterCount());
        }
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1)) {
            assertFalse(m.parameters().containsKey("lm_head.weight"), "tied models hold shared.weight only");
        }
    }

    @Test
    void initFollowsHfScheme() {
        T5Config c = T5Config.preset("t5-small").withVocabSize(256);
        try (var m = T5ForConditionalGeneration.init(c, 7)) {
            assertStd(m, "shared.weight", 1.0);
            assertStd(m, "encoder.block.0.layer.0.SelfAttention.q.weight", Math.pow(512 * 64, -0.5));
            assertStd(m, "encoder.block.0.layer.0.SelfAttention.k.weight", Math.pow(512, -0.5));
            assertStd(m, "encoder.block.0.layer.0.SelfAttention.o.weight", Math.pow(512, -0.5));
            assertStd(m, "encoder.block.0.layer.1.DenseReluDense.wo.weight", Math.pow(2048, -0.5));
            float[] ln = Tensors.toFloats(m.parameters().get("encoder.final_layer_norm.weight"));
            for (float f : ln) assertEquals(1.0f, f);
        }
    }

    private static void assertStd(T5ForConditionalGeneration m, String name, double want) {
        float[] a = Tensors.toFloats(m.parameters().get(name));
        double s = 0, s2 = 0;
        for (float f : a) {
            s += f;
            s2 += f * f;
        }
        double mean = s / a.length, std = Math.sqrt(s2 / a.length - mean * mean);
        assertEquals(want, std, want * 0.05, name);
        assertEquals(0, mean, want * 0.05, name);
    }

    @Test
    void sameSeedSameInitDifferentSeedDifferentInit() {
        T5Config c = T5Config.preset("tiny");
        try (var a = T5ForConditionalGeneration.init(c, 3); var b = T5ForConditionalGeneration.init(c, 3); var d =
                T5ForConditionalGeneration.init(c, 4)) {
            assertArrayEquals(Tensors.toFloats(a.parameters().get("shared.weight")), Tensors.toFloats(b.parameters()
                    .get("shared.weight")));
            assertFalse(java.util.Arrays.equals(Tensors.toFloats(a.parameters().get("shared.weight")),
                    Tensors.toFloats(d.parameters().get("shared.weight"))));
        }
    }

    @Test
    void incrementalDecodingWithCacheGivesSameLogitsAsFullPass() {
        try (var m = T5ForConditionalGeneration.init(small("tiny-v1_1", 2), 5); var s = new PointerScope(); var ng =
                new NoGradGuard()) {
            Tensor ids = Tensors.longs(new int[][]{INPUT, {8, 9, 1}}, 0);
            Tensor mask = Tensors.lengthMask(new int[][]{INPUT, {8, 9, 1}});
            Tensor dec = Tensors.longs(new int[][]{DEC, {0, 3, 3, 3, 3}}, 0);
            float[] full = Tensors.toFloats(m.forward(ids, mask, dec));
            Tensor enc = m.encode(ids, mask);
            int v = m.config().vocabSize();
            try (DecoderCache cache = m.newCache()) {
                for (int t = 0; t < DEC.length; t++) {
                    float[] step = Tensors.toFloats(m.logits(m.decode(dec.narrow(1, t, 1), enc, mask, null, cache)));
                    for (int b = 0; b < 2; b++)
                        for (int i = 0; i < v; i++)
                            assertEquals(full[(b * DEC.length + t) * v + i], step[b * v + i], 2e-5 * Math.max(1,
                                    Math.abs(step[b * v + i])), "b=" + b + " t=" + t);
                }
                assertEquals(DEC.length, cache.length());
            }
        }
    }

    @Test
    void paddedBatchGivesSameLogitsAsSingleInputs() {
        int[][] inputs = {INPUT, {8, 9, 1}};
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 9); var s = new PointerScope(); var ng =
                new NoGradGuard()) {
            Tensor dec = Tensors.longs(new int[][]{DEC, DEC}, 0);
            float[] batch = Tensors.toFloats(m.forward(Tensors.longs(inputs, 0), Tensors.lengthMask(inputs), dec));
            int per = DEC.length * m.config().vocabSize();
            for (int b = 0; b < 2; b++) {
                float[] single = Tensors.toFloats(m.forward(Tensors.longs(new int[][]{inputs[b]}, 0), null,
                        Tensors.longs(new int[][]{DEC}, 0)));
                for (int i = 0; i < per; i++) assertEquals(single[i], batch[b * per + i], 2e-5 * Math.max(1,
                        Math.abs(single[i])));
            }
        }
    }

    @Test
    void shiftRightPrependsStartAndReplacesIgnoreIndex() {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1); var s = new PointerScope()) {
            Tensor labels = Tensors.longs(new long[]{5, 6, 7, -100, 8, 9, -100, -100}, 2, 4);
            assertArrayEquals(new long[]{0, 5, 6, 7, 0, 8, 9, 0}, Tensors.toLongs(m.shiftRight(labels)));
        }
    }

    @Test
    void lossIgnoresPaddingLabels() {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1); var s = new PointerScope(); var ng =
                new NoGradGuard()) {
            Tensor ids = Tensors.longs(new int[][]{INPUT}, 0);
            Tensor labels = Tensors.longs(new long[]{5, 6, 7, 1}, 1, 4);
            Tensor padded = Tensors.longs(new long[]{5, 6, 7, 1, -100, -100}, 1, 6);
            float a = T5ForConditionalGeneration.loss(m.forward(ids, null, m.shiftRight(labels)), labels).item_float();
            float b = T5ForConditionalGeneration.loss(m.forward(ids, null, m.shiftRight(padded)), padded).item_float();
            assertEquals(a, b, 1e-5);
            assertTrue(a > 0);
        }
    }

    @Test
    void gradientsReachEveryParameterAndSgdReducesLoss() {
        T5Config c = small("tiny-v1_1", 2);
        try (var m = T5ForConditionalGeneration.init(c, 11)) {
            m.train(true);
            float first = 0, last = 0;
            for (int step = 0; step < 8; step++) {
                try (var s = new PointerScope()) {
                    Tensor ids = Tensors.longs(new int[][]{INPUT, {8, 9, 1}}, 0);
                    Tensor mask = Tensors.lengthMask(new int[][]{INPUT, {8, 9, 1}});
                    Tensor labels = Tensors.longs(new long[]{11, 12, 13, 1, 21, 22, -100, -100}, 2, 4);
                    Tensor loss = T5ForConditionalGeneration.loss(m.forward(ids, mask, m.shiftRight(labels)), labels);
                    loss.backward();
                    if (step == 0) first = loss.item_float();
                    last = loss.item_float();
                    try (var ng = new NoGradGuard()) {
                        for (var e : m.parameters().entrySet()) {
                            Tensor g = e.getValue().grad();
                            assertTrue(g.defined(), "no gradient for " + e.getKey());
                            if (step == 0) assertTrue(g.abs().sum().item_float() > 0, "zero gradient for "
                                    + e.getKey());
                            e.getValue().sub_(g.mul(Tensors.scalar(0.5)));
                            g.zero_();
                        }
                    }
                }
            }
            assertTrue(last < first * 0.7, "loss " + first + " -> " + last);
        }
    }
}
