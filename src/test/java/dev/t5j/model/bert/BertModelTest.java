package dev.t5j.model.bert;

import dev.t5j.retrieval.TestModels;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BertModelTest {
    // Two rows: row 1 is padded after 4 tokens; token types switch to 1 in the middle of row 0.
    static final int[][] IDS = {{2, 17, 33, 5, 90, 41, 7}, {2, 64, 11, 7, 0, 0, 0}};
    static final int[][] TYPES = {{0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0}};
    static final int[][] MASK = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}};

    static long[] flat(int[][] a) {
        long[] out = new long[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) out[i * a[0].length + j] = a[i][j];
        return out;
    }

    static float[] hidden(BertModel m) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.longs(flat(IDS), 2, 7);
            Tensor mask = Tensors.longs(flat(MASK), 2, 7);
            Tensor types = Tensors.longs(flat(TYPES), 2, 7);
            return Tensors.toFloats(m.forward(ids, mask, types));
        }
    }

    @Test
    void agreesWithNaiveReferenceIncludingPaddingAndTokenTypes() {
        for (String act : List.of("gelu", "gelu_new")) {
            try (BertModel m = BertModel.init(TestModels.small(100, act), 11)) {
                TestModels.perturb(m, 0.3);
                float[] got = hidden(m);
                NaiveBert ref = new NaiveBert(m);
                int d = m.config().hiddenSize(), t = IDS[0].length;
                double maxErr = 0;
                int compared = 0;
                for (int r = 0; r < 2; r++) {
                    double[][] want = ref.forward(IDS[r], TYPES[r], MASK[r]);
                    for (int i = 0; i < t; i++) {
                        // pad positions' states are unused (and differ by design: HF masks keys only)
                        if (MASK[r][i] == 0) continue;
                        for (int e = 0; e < d; e++) {
                            maxErr = Math.max(maxErr, Math.abs(got[(r * t + i) * d + e] - want[i][e]));
                            compared++;
                        }
                    }
                }
                assertEquals(11 * d, compared);
                assertTrue(maxErr < 1e-4, act + ": max abs error " + maxErr);
            }
        }
    }

    @Test
    void tokenTypesAndPaddedKeysChangeTheResult() {
        try (BertModel m = BertModel.init(TestModels.small(100, "gelu"), 12)) {
            TestModels.perturb(m, 0.3);
            NaiveBert ref = new NaiveBert(m);
            double[][] a = ref.forward(IDS[0], TYPES[0], MASK[0]);
            double[][] b = ref.forward(IDS[0], new int[7], MASK[0]);
            assertTrue(Math.abs(a[0][0] - b[0][0]) > 1e-3, "token types must matter");
            // The libtorch model's padded row equals the same row alone (the pads are masked as keys).
            float[] batch = hidden(m);
            try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                float[] alone = Tensors.toFloats(m.forward(Tensors.longs(new long[]{2, 64, 11, 7}, 1, 4), null, null));
                int d = m.config().hiddenSize();
                for (int i = 0; i < 4 * d; i++) assertEquals(alone[i], batch[7 * d + i], 1e-5);
            }
        }
    }

    @Test
    void dropoutOnlyInTraining() {
        try (BertModel m = BertModel.init(TestModels.small(100, "gelu"), 13)) {
            float[] e1 = hidden(m);
            assertArrayEquals(e1, hidden(m), "eval mode is deterministic");
            m.train(true);
            float[] t1 = hidden(m);
            float[] t2 = hidden(m);
            assertFalse(java.util.Arrays.equals(t1, t2), "training mode applies dropout");
            m.train(false);
            assertArrayEquals(e1, hidden(m));
        }
    }

    @Test
    void parameterNamesAreHfKeysAndInitIsHfs() {
        BertConfig c = TestModels.small(100, "gelu").withDropout(0, 0);
        try (BertModel m = BertModel.init(c, 14)) {
            List<String> names = new ArrayList<>(m.parameters().keySet());
            assertEquals(List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                    "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
                            "embeddings.LayerNorm.bias"),
                    names.subList(0, 5));
            String[] layerKeys = {"attention.self.query.weight", "attention.self.query.bias",
                    "attention.self.key.weight",
                    "attention.self.key.bias", "attention.self.value.weight", "attention.self.value.bias",
                    "attention.output.dense.weight", "attention.output.dense.bias", "attention.output.LayerNorm.weight",
                    "attention.output.LayerNorm.bias", "intermediate.dense.weight", "intermediate.dense.bias",
                    "output.dense.weight", "output.dense.bias", "output.LayerNorm.weight", "output.LayerNorm.bias"};
            for (int l = 0; l < 2; l++)
                for (int k = 0; k < layerKeys.length; k++)
                    assertEquals("encoder.layer." + l + "." + layerKeys[k], names.get(5 + l * layerKeys.length + k));
            assertEquals(5 + 2 * layerKeys.length, names.size());
            // HF init: N(0, initializer_range) weights, zero biases, LayerNorm 1/0, padding row of the word embedding
            // zero.
            float[] we = Tensors.toFloats(m.parameters().get("embeddings.word_embeddings.weight"));
            for (int e = 0; e < 32; e++) assertEquals(0f, we[e]);
            float[] q = Tensors.toFloats(m.parameters().get("encoder.layer.0.intermediate.dense.weight"));
            double ss = 0;
            for (float v : q) ss += v * v;
            assertEquals(0.4, Math.sqrt(ss / q.length), 0.04);
            for (float v : Tensors.toFloats(m.parameters().get("encoder.layer.1.output.dense.bias"))) assertEquals(0f,
                    v);
            for (float v : Tensors.toFloats(m.parameters()
                    .get("encoder.layer.1.output.LayerNorm.weight"))) assertEquals(1f, v);
            for (float v : Tensors.toFloats(m.parameters().get("embeddings.LayerNorm.bias"))) assertEquals(0f, v);
            assertEquals(100L * 32 + 64 * 32 + 2 * 32 + 64 + 2 * (4 * (32 * 32 + 32) + 64 + 2 * 48 * 32 + 48 + 32 + 64),
                    m.parameterCount());
        }
    }

}
