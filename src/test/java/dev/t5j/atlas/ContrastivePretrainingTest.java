package dev.t5j.atlas;

import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Retriever;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContrastivePretrainingTest {
    @Test
    void inBatchContrastiveLossFallsFromChanceOnCrops() {
        List<Passage> ps = AtlasRetrievalTest.passages();
        try (Retriever r = AtlasRetrievalTest.retriever(3)) {
            ContrastivePretraining.Result res = ContrastivePretraining.run(r, ps,
                    new ContrastivePretraining.Options(80, 8, 3e-3, 0.05, 0.3, 0.7, 1), null, false);
            assertTrue(res.firstLoss() > 1.0, "starts far from solved (chance: ln 8 = 2.08): " + res.firstLoss());
            assertTrue(res.lastLoss() < 0.6 * res.firstLoss(), res.firstLoss() + " -> " + res.lastLoss());
            assertTrue(!r.isTraining(), "left in eval mode");
        }
    }

    @Test
    void cropsAreContiguousSpansWithinTheRatio() {
        String[] words = "a b c d e f g h i j".split(" ");
        ContrastivePretraining.Options o = new ContrastivePretraining.Options(1, 2, 1e-3, 0.05, 0.2, 0.5, 0);
        java.util.Random rng = new java.util.Random(4);
        for (int i = 0; i < 200; i++) {
            String c = ContrastivePretraining.crop(words, o, rng);
            int n = c.split(" ").length;
            assertTrue(n >= 2 && n <= 5, c);
            assertTrue(String.join(" ", words).contains(c), c);
        }
        assertThrows(IllegalArgumentException.class, () -> new ContrastivePretraining.Options(1, 1, 1e-3, 0.05, 0.2,
                0.5, 0));
        assertEquals(1, ContrastivePretraining.crop(new String[]{"x"}, o, rng).split(" ").length);
    }
}
