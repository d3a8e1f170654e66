package dev.t5j.atlas.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Atlas's {@code qa} task: {@code {"question","answers"[,"target"]}}. Query = {@code qa_prompt_format} filled with the
 * question; target = {@code "<extra_id_0> " + (target field if present, else a random answer)}, none when the line
 * has neither (eval files). Metrics: exact_match and f1 with SQuAD normalisation, max over answers.
 */
public final class QaTask implements AtlasTask {
    private final String promptFormat;

    public QaTask(String promptFormat) {
        PyFormat.format(promptFormat, Map.of("question", "")); // a bad format fails here, not on the first example
        this.promptFormat = promptFormat;
    }

    @Override
    public String name() {
        return "qa";
    }

    @Override
    public List<String> metrics() {
        return List.of("exact_match", "f1", AtlasMetrics.EVAL_LOSS);
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String question = Fields.string(json, "question");
        String raw;
        if (json.containsKey("target")) {
            raw = Fields.string(json, "target");
        } else if (json.containsKey("answers")) {
            List<String> answers = Fields.stringList(json, "answers");
            if (answers.isEmpty()) throw new FieldError("answers", "is empty (a training target is drawn from it)");
            raw = answers.get(rng.nextInt(answers.size()));
        } else {
            raw = null;
        }
        String target = raw == null ? null : TaskFields.prefixedTarget(raw);
        String query = PyFormat.format(promptFormat, Map.of("question", question));
        Map<String, Object> metadata = new LinkedHashMap<>(TaskFields.metadataOrEmpty(json));
        return Optional.of(new AtlasExample(query, target, TaskFields.gold(json, target), TaskFields.filePassages(json),
                metadata, json.get("id"), null));
    }

    @Override
    public Map<String, Double> evaluate(String prediction, AtlasExample example) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("exact_match", AtlasMetrics.exactMatch(prediction, example.answers(), AtlasMetrics::normalizeAnswer));
        m.put("f1", AtlasMetrics.f1(prediction, example.answers(), AtlasMetrics::normalizeAnswer));
        return m;
    }
}
