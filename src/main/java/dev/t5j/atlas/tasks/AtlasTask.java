package dev.t5j.atlas.tasks;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One of Atlas's tasks ({@code src/tasks/*.py}): turns a task-file line into an {@link AtlasExample} and scores a
 * prediction. Implementations are stateless apart from their options and safe to share between threads.
 */
public interface AtlasTask {
    /** Atlas's name: base, qa, mlm, lm, section, multiple_choice, fever, kilt. */
    String name();

    /** Atlas's {@code metrics} list for the task (eval_loss included where Atlas lists it), in Atlas's order. */
    List<String> metrics();

    /**
     * Atlas's {@code data_iterator} hook: the copies a file line becomes before {@code process}. Identity except for
     * multiple_choice, which yields the answer-order permutations ({@code eval} picks the eval or train permutation
     * kind).
     */
    default List<Map<String, Object>> expand(Map<String, Object> json, boolean eval) {
        return List.of(json);
    }

    /**
     * Atlas's {@code process(example)}: empty where Atlas returns None (the example is skipped). Randomness (qa's
     * answer choice, mlm's spans, lm's split point) comes from {@code rng}. The map is not modified.
     *
     * @throws FieldError for a missing or wrongly typed field
     */
    Optional<AtlasExample> process(Map<String, Object> json, Random rng);

    /** True for mlm, lm and section: retrieved passages whose id equals {@link AtlasExample#filterId()} are dropped. */
    default boolean filterById() {
        return false;
    }

    /**
     * Atlas's {@code evaluation(prediction, ground_truths)} against {@link AtlasExample#answers()}: the per-example
     * metric values (0..1), named as Atlas names them. {@code prediction} is the decoded generation (see
     * {@link HfText#prediction}). Multiple choice's {@code debiased_accuracy} comes from
     * {@link MultipleChoiceTask#debias}.
     */
    Map<String, Double> evaluate(String prediction, AtlasExample example);
}
