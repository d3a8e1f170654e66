package dev.t5j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** GLUE metrics against sklearn/scipy values on fixed inputs (src/test/resources/eval/glue, made with its script). */
class GlueMetricsTest {
    static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) out.add(n.asText());
        return out;
    }

    static List<List<String>> refs(JsonNode a) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode n : a) out.add(List.of(n.asText()));
        return out;
    }

    @Test
    void matchSklearnAndScipyOnFixedInputs() {
        JsonNode cases = Json.read(Path.of("src/test/resources/eval/glue/glue_metrics.json"));
        int checked = 0;
        for (JsonNode c : cases) {
            List<String> p = texts(c.get("predictions"));
            List<List<String>> r = refs(c.get("targets"));
            for (String key : List.of("f1", "mcc", "pearson_corrcoef", "spearman_corrcoef")) {
                if (!c.has(key)) continue;
                Metric m = switch (key) {
                    case "f1" -> Metrics.byName("f1_invalid");
                    case "mcc" -> Metrics.byName("mcc");
                    case "pearson_corrcoef" -> Metrics.byName("pearson");
                    default -> Metrics.byName("spearman");
                };
                assertEquals(c.get(key).asDouble(), m.compute(p, r).get(key), 1e-9, key);
                checked++;
            }
        }
        assertEquals(5, checked);
    }

    @Test
    void undefinedCorrelationsAreZeroAsHyperFormers() {
        List<List<String>> r = List.of(List.of("1.0"), List.of("2.0"), List.of("3.0"));
        assertEquals(0.0, GlueMetrics.PEARSON.compute(List.of("2.0", "2.0", "2.0"), r).get("pearson_corrcoef"));
        assertEquals(0.0, GlueMetrics.SPEARMAN.compute(List.of("2.0", "2.0", "2.0"), r).get("spearman_corrcoef"));
        assertEquals(0.0, GlueMetrics.MCC.compute(List.of("1", "1", "1"), List.of(List.of("1"), List.of("0"), List.of(
                "1"))).get("mcc"));
    }

    @Test
    void invalidPredictionsCountAsWrongForF1() {
        // Target 1 predicted "yes" -> counted as 0: a false negative; target 0 predicted "7" -> counted as 1: a false
        // positive.
        List<List<String>> r = List.of(List.of("1"), List.of("1"), List.of("0"));
        assertEquals(100 * 2.0 / 4, GlueMetrics.F1_INVALID.compute(List.of("1", "yes", "7"), r).get("f1"), 1e-12);
    }

    @Test
    void averageIsTheMeanOfEveryNonLossMetric() {
        assertEquals(60.0, GlueMetrics.average(List.of(Map.of("accuracy", 50.0, "loss", 3.0), Map.of("f1", 70.0,
                "accuracy", 60.0))), 1e-12);
    }
}
