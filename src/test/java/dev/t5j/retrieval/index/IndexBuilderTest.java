package dev.t5j.retrieval.index;

import dev.t5j.common.UserError;
import dev.t5j.common.Progress;
import dev.t5j.retrieval.Passage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IndexBuilderTest {
    static List<Passage> corpus() {
        String[] topics = {"orchid flower petals garden", "volcano lava eruption magma", "violin strings orchestra bow",
                "glacier ice mountain snow", "satellite orbit rocket launch", "bread flour oven yeast"};
        List<Passage> ps = new ArrayList<>();
        for (int i = 0; i < 60; i++) ps.add(Passage.of("d" + i, "Topic " + (i % 6), topics[i % 6] + " note " + i));
        return ps;
    }

    @Test
    void embedsEveryPassageInBatchesAndFindsTheMatchingTopic() {
        HashEmbedder emb = new HashEmbedder(64, "s");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Progress progress = new Progress("embedding", 60, "passages", new PrintStream(log), true);
        try (FlatIndex idx = IndexBuilder.build(corpus(), emb, new IndexOptions(3, IndexDtype.FP32, 7), progress)) {
            progress.close();
            assertEquals(9, emb.calls, "ceil(60 / 7) batches");
            assertEquals(60, progress.done());
            assertTrue(log.toString().contains("embedding 60/60 passages"), log.toString());
            assertEquals("hash-bow-64-s", idx.encoderFingerprint());
            // passage i was embedded as "{title} {text}"
            assertArrayEquals(emb.embed(List.of(corpus().get(13).retrieverText()))[0], idx.row(13));
            float[][] q = emb.embed(List.of("volcano magma", "violin bow"));
            List<List<Hit>> hits = idx.search(q, 5);
            for (Hit h : hits.get(0)) assertTrue(h.passage().text().startsWith("volcano"), h.toString());
            for (Hit h : hits.get(1)) assertTrue(h.passage().text().startsWith("violin"), h.toString());
        }
    }

    @Test
    void batchSizeAndDtypeDoNotChangeTheRanking() {
        HashEmbedder emb = new HashEmbedder(32, "t");
        float[][] q = emb.embed(List.of("glacier snow", "bread oven note 5"));
        try (FlatIndex a = IndexBuilder.build(corpus(), emb, new IndexOptions(1, IndexDtype.FP32, 1), null);
             FlatIndex b = IndexBuilder.build(corpus(), emb, new IndexOptions(4, IndexDtype.FP16, 64), null)) {
            assertEquals(a.search(q, 8), b.search(q, 8), "small-integer bag-of-words vectors are exact in fp16");
        }
    }

    @Test
    void aBrokenEmbedderFailsLoudly() {
        var bad = new HashEmbedder(8, "x") {
            @Override
            public float[][] embed(List<String> texts) {
                return new float[texts.size()][7];
            }
        };
        var e = assertThrows(IllegalStateException.class, () -> IndexBuilder.build(corpus(), bad,
                IndexOptions.defaults(), null));
        assertTrue(e.getMessage().contains("vector of 7 values for row 0"), e.getMessage());
        assertThrows(UserError.class, () -> IndexBuilder.build(List.of(), bad, IndexOptions.defaults(), null));
    }
}
