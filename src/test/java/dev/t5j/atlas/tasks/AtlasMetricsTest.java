package dev.t5j.atlas.tasks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AtlasMetricsTest {
    @Test
    void normalizeAnswerInAtlasOrder() {
        assertEquals("quick brown fox", AtlasMetrics.normalizeAnswer("The  Quick, brown fox!"));
        // punctuation is dropped (not spaced) before articles go: "Eiffel-Tower" → "eiffeltower", "(the)" → article
        assertEquals("eiffeltower", AtlasMetrics.normalizeAnswer("  the Eiffel-Tower "));
        assertEquals("end", AtlasMetrics.normalizeAnswer("(The) end"));
        assertEquals("thecat", AtlasMetrics.normalizeAnswer("the-cat"));
    }

    @Test
    void exactMatchAndF1MaxOverAnswers() {
        List<String> gts = List.of("cat sat on the mat", "A dog");
        assertEquals(0.0, AtlasMetrics.exactMatch("a dog", gts));                                // raw: case differs
        assertEquals(1.0, AtlasMetrics.exactMatch("a dog", gts, AtlasMetrics::normalizeAnswer)); // both "dog"
        // normalised: pred [cat, sat], gt [cat, sat, on, mat] → P = 1, R = 1/2, F1 = 2/3
        assertEquals(2.0 / 3, AtlasMetrics.f1("the cat sat", gts, AtlasMetrics::normalizeAnswer), 1e-12);
        // raw tokens: pred [the, cat, sat], gt [cat, sat, on, the, mat] → P = 1, R = 3/5, F1 = 0.75
        assertEquals(0.75, AtlasMetrics.f1("the cat sat", gts), 1e-12);
        assertEquals(0.0, AtlasMetrics.f1("zebra", gts));
        assertEquals(0.0, AtlasMetrics.exactMatch("x", List.of()));
    }

    @Test
    void rougeSkipsEmptyReferencesAndEmptyPredictions() {
        double[] r = AtlasMetrics.rouge("the cat sat", List.of("", "the cat sat"));
        assertArrayEquals(new double[] {1, 1, 1}, r, 1e-12);
        assertArrayEquals(new double[] {0, 0, 0}, AtlasMetrics.rouge("", List.of("x")));
        assertArrayEquals(new double[] {0, 0, 0}, AtlasMetrics.rouge("x", List.of("")));
        // pred "a b c d", ref "a b x d": R1 = 3/4, R2 = 1/3 (only "a b"), RL = 3/4 (a b d)
        double[] s = AtlasMetrics.rouge("a b c d", List.of("a b x d"));
        assertEquals(0.75, s[0], 1e-12);
        assertEquals(1.0 / 3, s[1], 1e-12);
        assertEquals(0.75, s[2], 1e-12);
    }

    @Test
    void summaryIsHundredTimesTheMeanExceptEvalLoss() {
        AtlasMetrics.Accumulator acc = new AtlasMetrics.Accumulator();
        acc.add(Map.of("exact_match", 1.0, "f1", 0.5)).add(Map.of("exact_match", 0.0, "f1", 1.0));
        acc.add("eval_loss", 2.0).add("eval_loss", 3.0);
        Map<String, Double> s = acc.summary(List.of("exact_match", "f1", "eval_loss"));
        assertEquals(List.of("exact_match", "f1", "eval_loss"), List.copyOf(s.keySet()));
        assertEquals(50.0, s.get("exact_match"), 1e-12);
        assertEquals(75.0, s.get("f1"), 1e-12);
        assertEquals(2.5, s.get("eval_loss"), 1e-12);
        assertEquals(0.0, new AtlasMetrics.Accumulator().summary(List.of("accuracy")).get("accuracy"));
        assertEquals(2, acc.count("f1"));
    }
}
