package dev.t5j.atlas.tasks;

import dev.t5j.retrieval.Passage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One example after an Atlas task's {@code process()}: what the reader and retriever see and what evaluation needs.
 *
 * @param query    the reader's query and the retriever's query string (for qa the whole prompt, {@code <extra_id_0>}
 * included)
 * @param target   the decoder target, e.g. {@code "<extra_id_0> Paris"}; null where the file has none (qa at eval time)
 * @param answers  the ground truths Atlas scores against: the example's {@code answers} when the processed example
 * has that field, otherwise {@code [target]} (Atlas's {@code gold = [target] if "answers" not in batch})
 * @param passages the example's own {@code passages} field (for {@code --use_file_passages}); empty when absent.
 * Atlas puts a placeholder {@code [{"title":"","text":""}]} there instead; the reader treats empty the same.
 * @param metadata Atlas's {@code metadata} (written back in results, holds the id the mlm/lm/section filter uses);
 *                 null where Atlas's processed example has none (base without a metadata field)
 * @param id       the processed example's top-level {@code id} field (written in results as Atlas does); null when
 * absent
 * @param choice   multiple-choice extras; null for the other tasks
 */
public record AtlasExample(String query, String target, List<String> answers, List<Passage> passages,
                           Map<String, Object> metadata, Object id, Choice choice) {
    public AtlasExample {
        if (query == null) throw new IllegalArgumentException("query is null");
        answers = List.copyOf(answers);
        passages = passages == null ? List.of() : List.copyOf(passages);
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The id the mlm/lm/section tasks filter retrieved passages with ({@code metadata["id"]}), as a string; null
     * when there is none.
     */
    public String filterId() {
        if (metadata == null) return null;
        Object v = metadata.get("id");
        return v == null ? null : String.valueOf(v);
    }

    /**
     * One (possibly permuted) copy of a multiple-choice question.
     *
     * @param uid        {@code question + " ".join(original option texts)}: groups the permutations of one question
     * @param isOriginal true for the copy whose options equal the file's
     * @param letters    the scored letters, {@code "ABCD"[:multiple_choice_num_options]}
     * @param options    this copy's letter → option text, in prompt order
     * @param answer     this copy's correct letter (remapped by the permutation)
     */
    public record Choice(String uid, boolean isOriginal, List<String> letters, Map<String, String> options,
            String answer) {
        public Choice {
            letters = List.copyOf(letters);
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }
    }
}
