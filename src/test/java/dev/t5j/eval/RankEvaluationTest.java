package dev.t5j.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Median and mean over the prompts of each dataset (T0 reports medians). */
class RankEvaluationTest {
    @Test
    void medianAndMeanPerDataset() {
        List<RankEvaluation.DatasetResult> d = RankEvaluation.summarize(List.of(
                new RankEvaluation.PromptResult("a1", "A", 50, 10), new RankEvaluation.PromptResult("b1", "B", 10, 10),
                new RankEvaluation.PromptResult("a2", "A", 70, 10), new RankEvaluation.PromptResult("a3", "A", 60, 10),
                new RankEvaluation.PromptResult("a4", "A", 90, 10)));
        assertEquals(new RankEvaluation.DatasetResult("A", 4, 65.0, 67.5), d.get(0));
        assertEquals(new RankEvaluation.DatasetResult("B", 1, 10.0, 10.0), d.get(1));
    }
}
