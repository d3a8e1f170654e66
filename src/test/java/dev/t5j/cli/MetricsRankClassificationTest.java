package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code t5j metrics --metric rank_classification}, the metric the README lists, on a file of option scores. */
class MetricsRankClassificationTest {
    @TempDir
    Path tmp;

    @Test
    void scoresOptionsByArgmaxWithLabelsOrCorrectnessFlags() throws IOException {
        Path f = tmp.resolve("scores.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"scores\": [-3.0, -1.5, -2.0], \"label\": 1}",   // argmax 1: right
                "{\"scores\": [-0.5, -0.5], \"label\": 1}",          // tie: the first option wins, wrong
                "",
                "{\"scores\": [-4, -1, -2], \"is_correct\": [false, true, true]}", // right
                "{\"scores\": [-1, -9], \"is_correct\": [false, true]}") + "\n"); // wrong
        SynthAndMetricsCommandTest.Run r = SynthAndMetricsCommandTest.run("metrics", "--metric", "rank_classification",
                "--input", f.toString());
        assertEquals(0, r.rc(), r.err());
        JsonNode out = Json.MAPPER.readTree(r.out());
        assertEquals("rank_classification", out.get("metric").asText());
        assertEquals(4, out.get("count").asInt());
        assertEquals(50.0, out.get("accuracy").asDouble(), 1e-9);
    }

    @Test
    void badLinesNameFileLineAndField() throws IOException {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"scores\": [-1, -2], \"label\": 0}\n{\"scores\": [-1, -2], \"label\": 2}\n");
        SynthAndMetricsCommandTest.Run r = SynthAndMetricsCommandTest.run("metrics", "--metric", "rank_classification",
                "--input", f.toString());
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("bad.jsonl:2") && r.err().contains("label"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
