package dev.t5j.retrieval;

import dev.t5j.model.bert.BertConfig;
import dev.t5j.model.bert.BertModel;
import dev.t5j.model.bert.NaiveBert;
import dev.t5j.model.bert.Pooling;
import dev.t5j.engine.Tensors;
import dev.t5j.tokenizer.BertEncoding;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ContrieverTest {
    static final List<String> TEXTS = List.of(
            "Evan Morris Evan L. Morris (January 26, 1977 – July 9, 2015) was a lobbyist for Genentech.",
            "question: who founded the city? answer: <extra_id_0>",
            "Paris",
            "The quick brown fox jumps over the lazy dog near the riverbank at dawn.");

    static Contriever contriever(Pooling pooling, long seed) {
        WordPieceVocabulary v = TestModels.bertVocab();
        BertModel m = BertModel.init(TestModels.small(v.vocabSize(), "gelu").withPooling(pooling), seed);
        TestModels.perturb(m, 0.2);
        return new Contriever(m, v);
    }

    static float[] embed(Contriever c, List<String> texts, int maxLen, Contriever.Padding padding) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            return Tensors.toFloats(c.embed(texts, maxLen, padding));
        }
    }

    @Test
    void poolingVariantsMatchTheNaiveReference() {
        for (Pooling pooling : Pooling.values()) {
            try (Contriever c = contriever(pooling, 31)) {
                assertEquals(pooling, c.pooling());
                float[] got = embed(c, TEXTS, 200, Contriever.Padding.LONGEST);
                NaiveBert ref = new NaiveBert(c.bert());
                List<BertEncoding> enc = c.encode(TEXTS, 200);
                for (int r = 0; r < TEXTS.size(); r++) {
                    BertEncoding e = enc.get(r);
                    double[] want = NaiveBert.pool(ref.forward(e.inputIds(), e.tokenTypeIds(), e.attentionMask()),
                            e.attentionMask(), pooling);
                    for (int k = 0; k < 32; k++) assertEquals(want[k], got[r * 32 + k], 1e-4, pooling + " row " + r);
                }
            }
        }
    }

    @Test
    void poolingsDiffer() {
        float[][] out = new float[3][];
        for (Pooling p : Pooling.values())
            try (Contriever c = contriever(p, 32)) {
                out[p.ordinal()] = embed(c, TEXTS.subList(0, 1), 200, Contriever.Padding.LONGEST);
            }
        int n = TestModels.bertVocab().encode(TEXTS.get(0)).length + 2; // with [CLS] and [SEP]
        // sqrt pooling = average pooling * sqrt(n) for the same weights
        for (int k = 0; k < 32; k++) assertEquals(out[0][k] * Math.sqrt(n), out[1][k], 1e-4);
        assertNotEquals(out[0][0], out[2][0]);
    }

    @Test
    void paddedBatchEqualsOneByOneAndPaddingModesAgree() {
        try (Contriever c = contriever(Pooling.AVERAGE, 33)) {
            float[] batch = embed(c, TEXTS, 200, Contriever.Padding.LONGEST);
            float[] maxLen = embed(c, TEXTS, 48, Contriever.Padding.MAX_LENGTH);
            for (int r = 0; r < TEXTS.size(); r++) {
                float[] one = embed(c, List.of(TEXTS.get(r)), 200, Contriever.Padding.LONGEST);
                for (int k = 0; k < 32; k++) {
                    assertEquals(one[k], batch[r * 32 + k], 1e-5, "row " + r);
                    assertEquals(one[k], maxLen[r * 32 + k], 1e-5, "row " + r);
                }
            }
            try (PointerScope s = new PointerScope()) {
                Contriever.TokenBatch tb = c.tensors(c.encode(TEXTS, 48), 48, Contriever.Padding.MAX_LENGTH);
                assertArrayEquals(new long[]{4, 48}, Tensors.shape(tb.inputIds()));
                tb = c.tensors(c.encode(TEXTS, 48), 48, Contriever.Padding.LONGEST);
                assertEquals(c.encode(TEXTS.subList(0, 1), 48).get(0).length(), tb.inputIds().size(1));
            }
        }
    }

    @Test
    void tokenizationIsClsTextSepTruncatedToAtlasMaxLength() {
        try (Contriever c = contriever(Pooling.AVERAGE, 34)) {
            WordPieceVocabulary v = c.vocab();
            BertEncoding e = c.encode(List.of("Paris is nice"), 200).get(0);
            int[] body = v.encode("Paris is nice");
            assertEquals(body.length + 2, e.length());
            assertEquals(101, e.inputIds()[0]);
            assertEquals(102, e.inputIds()[e.length() - 1]);
            assertEquals("paris", v.idToToken(e.inputIds()[1]));
            // <extra_id_0> in a retriever query is split into ordinary word pieces (Atlas, reference notes A.2)
            assertTrue(v.tokenize("answer: <extra_id_0>").contains("<"));
            String longText = "word ".repeat(1000);
            assertEquals(10, c.encode(List.of(longText), 10).get(0).length());
            try (Contriever t = new Contriever(BertModel.init(BertConfig.preset("tiny"), 1), v)) {
                assertEquals(512, t.effectiveMaxLength(2000), "min(text_maxlength, 512)");
                assertEquals(200, t.effectiveMaxLength(200));
            }
            assertEquals(64, c.encode(List.of(longText), 2000).get(0).length(),
                    "capped by max_position_embeddings of this config");
            assertEquals(102, c.encode(List.of(longText), 10).get(0).inputIds()[9]);
        }
    }

    @Test
    void embeddingsCarryGradientsWhenRecorded() {
        try (Contriever c = contriever(Pooling.AVERAGE, 35); PointerScope s = new PointerScope()) {
            c.train(true);
            var emb = c.embed(TEXTS, 200, Contriever.Padding.LONGEST);
            assertTrue(emb.requires_grad());
            emb.sum().backward();
            for (var e : c.parameters().entrySet()) {
                var g = e.getValue().grad();
                assertTrue(g.defined(), "no gradient for " + e.getKey());
            }
        }
    }
}
