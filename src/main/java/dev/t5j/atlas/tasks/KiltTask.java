package dev.t5j.atlas.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Atlas's {@code kilt} task on native KILT lines ({@code {"id","input","output":[{"answer",...},...]}}): answers =
 * the distinct stripped non-empty {@code output[].answer}s; when the line's {@code filename} field contains "fever",
 * each answer becomes {@code true} if it is SUPPORTS and {@code false} otherwise. Query {@code "question: {input}
 * answer: <extra_id_0>"}, target {@code "<extra_id_0> " + random answer}; metadata gets {@code clean_target}; file
 * passages dropped (Atlas's placeholder). Metrics: accuracy (raw EM), exact_match and f1 (normalised).
 *
 * <p>Atlas collects the answers in a Python set, whose order changes with the hash seed; here they keep file order.
 */
public final class KiltTask implements AtlasTask {
    @Override
    public String name() {
        return "kilt";
    }

    @Override
    public List<String> metrics() {
        return List.of("accuracy", "exact_match", "f1");
    }

    /** {@code get_gold_answers}: distinct stripped non-empty answers, in file order. */
    @SuppressWarnings("unchecked")
    public static List<String> goldAnswers(Map<String, Object> json) {
        Object out = json.get("output");
        if (out == null) throw new FieldError("output", json.containsKey("output") ? "is null, expected a list"
                : "missing");
        if (!(out instanceof List<?> items)) throw new FieldError("output", "expected a list of objects, got "
                + Fields.typeName(out));
        LinkedHashSet<String> answers = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?> m)) throw new FieldError("output[" + i + "]",
                    "expected an object, got " + Fields.typeName(items.get(i)));
            Object a = ((Map<String, Object>) m).get("answer");
            if (a == null) continue;
            if (!(a instanceof String s)) throw new FieldError("output[" + i + "].answer", "expected a string, got "
                    + Fields.typeName(a));
            if (!Fields.pyStrip(s).isEmpty()) answers.add(Fields.pyStrip(s));
        }
        return new ArrayList<>(answers);
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String input = Fields.string(json, "input");
        List<String> answers = goldAnswers(json);
        String filename = Fields.optString(json, "filename");
        if (filename != null && filename.contains("fever")) {
            answers = answers.stream().map(a -> a.equals("SUPPORTS") ? "true" : "false").toList();
        }
        if (answers.isEmpty()) throw new FieldError("output",
                "no non-empty answer (a target is drawn from the answers)");
        String clean = answers.get(rng.nextInt(answers.size()));
        Map<String, Object> metadata = TaskFields.metadataOrEmpty(json);
        metadata.put("clean_target", clean);
        return Optional.of(new AtlasExample(TaskFields.qaPrompt(input), TaskFields.prefixedTarget(clean), answers,
                List.of(),
                metadata, json.get("id"), null));
    }

    @Override
    public Map<String, Double> evaluate(String prediction, AtlasExample example) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", AtlasMetrics.exactMatch(prediction, example.answers()));
        m.put("exact_match", AtlasMetrics.exactMatch(prediction, example.answers(), AtlasMetrics::normalizeAnswer));
        m.put("f1", AtlasMetrics.f1(prediction, example.answers(), AtlasMetrics::normalizeAnswer));
        return m;
    }
}
