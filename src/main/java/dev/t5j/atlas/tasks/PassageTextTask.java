package dev.t5j.atlas.tasks;

import java.util.List;
import java.util.Map;

/**
 * What Atlas's mlm, lm and section tasks share: the target is text cut from a corpus passage, so retrieval must not
 * hand the reader that passage (filter by id), and a prediction is scored as generated text (raw EM, token F1,
 * ROUGE-1/2/L, eval_loss).
 */
interface PassageTextTask extends AtlasTask {
    @Override
    default List<String> metrics() {
        return List.of(AtlasMetrics.EVAL_LOSS, "accuracy", "f1", "rouge_1", "rouge_2", "rouge_L");
    }

    @Override
    default boolean filterById() {
        return true;
    }

    @Override
    default Map<String, Double> evaluate(String prediction, AtlasExample example) {
        return AtlasMetrics.generationMetrics(prediction, example.answers());
    }
}
