package dev.t5j.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class QaMetricsTest {
    @Test
    void squadNormalization() {
        // lower -> drop punctuation -> articles -> whitespace
        assertEquals("quick brown fox", QaMetrics.normalizeSquad("The Quick, Brown  Fox!"));
        assertEquals("rock n roll", QaMetrics.normalizeSquad("Rock 'n' Roll"));     // apostrophes vanish
        assertEquals("theater", QaMetrics.normalizeSquad("the theater"));            // "the" only as a word
        assertEquals("us", QaMetrics.normalizeSquad("U.S. a"));                      // "u.s." -> "us", then "a" goes
    }

    @Test
    void triviaQaNormalizationReplacesPunctuationWithSpaces() {
        assertEquals("u s", QaMetrics.normalizeTriviaQa("U.S."));
        assertEquals("rock n roll", QaMetrics.normalizeTriviaQa("Rock ‘n’ Roll"));
        assertEquals("us", QaMetrics.normalizeSquad("U.S."));
    }

    @Test
    void emAndF1AreMaxOverReferencesTimes100() {
        // ex1: "the cat sat" vs ["cat sat on mat", "a dog"]: normalized "cat sat" vs "cat sat on mat": common 2,
        //      P = 2/2, R = 2/4 -> F1 = 2*1*0.5/1.5 = 0.6667; EM 0.
        // ex2: "Paris" vs ["paris."] -> EM 1, F1 1.
        // mean: EM = 50, F1 = (66.667 + 100)/2 = 83.333
        Map<String, Double> m = QaMetrics.SQUAD.compute(List.of("the cat sat", "Paris"),
                List.of(List.of("cat sat on mat", "a dog"), List.of("paris.")));
        assertEquals(50.0, m.get("em"), 1e-9);
        assertEquals(100 * (2.0 / 3 + 1) / 2, m.get("f1"), 1e-9);
    }

    @Test
    void tokenF1CountsRepeatedTokensOnce() {
        // pred "a a b", target "a b b": common = min(2,1) + min(1,2) = 2; P = 2/3, R = 2/3 -> 2/3
        assertEquals(2.0 / 3, QaMetrics.tokenF1("a b b", "a a b"), 1e-12);
        assertEquals(0.0, QaMetrics.tokenF1("", ""), 0);
    }

    @Test
    void nqRecallUsesAnswerSetsAndTheThreshold() {
        NqRecall nq = new NqRecall(2);
        // ex1: predicted {obama, biden}; annotators {biden, obama} and {obama}: a set matches -> correct
        // ex2: only one non-empty annotation -> skipped (threshold 2)
        // ex3: predicted {x}; annotators {y}, {z} -> wrong
        Map<String, Double> m = nq.compute(
                List.of("answer: Obama answer: Biden", "answer: yes", "answer: x"),
                List.of(List.of("answer: Biden answer: the Obama", "Obama"), List.of("yes", ""), List.of("y", "z")));
        assertEquals(2.0, m.get("golden_answers"));
        assertEquals(50.0, m.get("recall"), 1e-9);
        assertEquals(100.0, new NqRecall(1).compute(List.of("answer: yes"), List.of(List.of("yes", ""))).get("recall"));
    }
}
