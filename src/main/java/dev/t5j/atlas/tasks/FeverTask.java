package dev.t5j.atlas.tasks;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Atlas's {@code fever} task: {@code {"claim","label"}} → query {@code "question: {claim} answer: <extra_id_0>"},
 * label SUPPORTS → {@code true}, REFUTES → {@code false}, NOT ENOUGH INFO → {@code maybe} (anything else or no label:
 * the empty string), target {@code "<extra_id_0> {t}"}, answers {@code [t]}, metadata gets {@code clean_target}.
 * Atlas replaces the passages with its placeholder even when the file has some, so file passages are dropped.
 * Metric: accuracy (raw exact match).
 */
public final class FeverTask implements AtlasTask {
    @Override
    public String name() {
        return "fever";
    }

    @Override
    public List<String> metrics() {
        return List.of("accuracy");
    }

    /** The label mapping; "" for an unknown or missing label, as Atlas. */
    public static String cleanTarget(Object label) {
        if ("NOT ENOUGH INFO".equals(label)) return "maybe";
        if ("REFUTES".equals(label)) return "false";
        if ("SUPPORTS".equals(label)) return "true";
        return "";
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String claim = Fields.string(json, "claim");
        String t = cleanTarget(json.get("label"));
        Map<String, Object> metadata = TaskFields.metadataOrEmpty(json);
        metadata.put("clean_target", t);
        return Optional.of(new AtlasExample(TaskFields.qaPrompt(claim), TaskFields.prefixedTarget(t), List.of(t),
                List.of(),
                metadata, json.get("id"), null));
    }

    @Override
    public Map<String, Double> evaluate(String prediction, AtlasExample example) {
        return Map.of("accuracy", AtlasMetrics.exactMatch(prediction, example.answers()));
    }
}
