package dev.t5j.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SequenceAndRankTest {
    @Test
    void accuracyIsExactMatchWithTheFirstReference() {
        assertEquals(50.0, SequenceMetrics.ACCURACY.compute(List.of("entailment", "neutral"),
                List.of(List.of("entailment"), List.of("contradiction"))).get("accuracy"));
    }

    @Test
    void seqEmHasNoNormalization() {
        // "SELECT a" vs "select a": not equal (case kept); token F1: common {a} -> P = R = 1/2 -> 0.5
        var m = SequenceMetrics.SEQ_EM.compute(List.of("SELECT a", "x y"), List.of(List.of("select a"),
                List.of("x y")));
        assertEquals(50.0, m.get("em"), 1e-9);
        assertEquals(75.0, m.get("f1"), 1e-9);
    }

    @Test
    void rankClassificationPicksTheBestScoreFirstOnTies() {
        assertEquals(1, RankClassification.argmax(new double[]{-3.2, -1.0, -2.5}));
        assertEquals(0, RankClassification.argmax(new double[]{-1.0, -1.0}));
        var m = RankClassification.accuracy(List.of(new double[]{-3.2, -1.0, -2.5}, new double[]{-1.0, -1.0},
                new double[]{-5, -4}),
                new int[]{1, 1, 0});
        assertEquals(100.0 / 3, m.get("accuracy"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> RankClassification.accuracy(List.of(new double[]{1}),
                new int[]{2}));
        // several correct options: right when the best option is one of them (ex1 best = 1, correct; ex2 best = 0, not)
        var multi = RankClassification.accuracy(List.of(new double[]{-2, -1, -3}, new double[]{-1, -2}),
                List.of(new boolean[]{false, true, true}, new boolean[]{false, true}));
        assertEquals(50.0, multi.get("accuracy"), 1e-9);
    }

    @Test
    void registryKnowsTheCliNames() {
        for (String n : Metrics.NAMES) assertNotNull(Metrics.byName(n));
        assertThrows(IllegalArgumentException.class, () -> Metrics.byName("meteor"));
        assertThrows(IllegalArgumentException.class, () -> Metrics.byName("squad").compute(List.of("a"), List.of()));
    }
}
