package dev.t5j.atlas.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** Atlas's {@code base} task: {@code {"query","target"}} used unchanged; accuracy = raw exact match. */
public final class BaseTask implements AtlasTask {
    @Override
    public String name() {
        return "base";
    }

    @Override
    public List<String> metrics() {
        return List.of("accuracy", AtlasMetrics.EVAL_LOSS);
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String target = Fields.string(json, "target");
        String query = Fields.string(json, "query");
        Map<String, Object> metadata = Fields.optObject(json, "metadata");
        return Optional.of(new AtlasExample(query, target, TaskFields.gold(json, target), TaskFields.filePassages(json),
                metadata == null ? null : new LinkedHashMap<>(metadata), json.get("id"), null));
    }

    @Override
    public Map<String, Double> evaluate(String prediction, AtlasExample example) {
        return Map.of("accuracy", AtlasMetrics.exactMatch(prediction, example.answers()));
    }
}
