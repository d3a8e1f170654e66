package dev.t5j.atlas.tasks;

import dev.t5j.retrieval.Passage;

import java.util.List;
import java.util.Map;

/**
 * One evaluated example, as a line of Atlas's {@code --write_results} file needs it.
 *
 * @param example      the processed example
 * @param generation   the decoded prediction; null in retrieve-only mode (no generation written)
 * @param passages     the passages given to the reader (retrieved or the file's); may be empty
 * @param scores       their retrieval scores, parallel to {@code passages}; null when there are none (file passages)
 * @param choiceLogits multiple choice: letter → logit at decoder position 1 ({@link MultipleChoiceTask#choiceLogits});
 * else null
 */
public record AtlasResult(AtlasExample example, String generation, List<Passage> passages, float[] scores,
                          Map<String, Double> choiceLogits) {
    public AtlasResult {
        passages = passages == null ? List.of() : List.copyOf(passages);
        if (scores != null && scores.length != passages.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + passages.size() + " passages");
        }
    }
}
