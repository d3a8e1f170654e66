package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.t5j.cli.DataCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

class AtlasTasksCommandTest {
    static final String RES = "src/test/resources/";

    @TempDir
    Path tmp;

    @Test
    void convertNqThenShowAsQa() throws IOException {
        Path nq = tmp.resolve("nq.jsonl");
        DataCommandTest.Run c = run("atlas-tasks", "convert", "--from", "nq-open", "--in", RES
                + "atlas/nq-open-dev-20.jsonl", "--out", nq.toString());
        assertEquals(0, c.rc(), c.err());
        assertTrue(c.out().contains("wrote 20 lines"), c.out());
        List<String> lines = Files.readAllLines(nq);
        assertEquals("{\"question\":\"when was the last time anyone was on the moon\",\"answers\":[\"14 December " +
                "1972 UTC\",\"December 1972\"]}", lines.get(0));

        DataCommandTest.Run s = run("atlas-tasks", "show", "--task", "qa", "-n", "1", nq.toString());
        assertEquals(0, s.rc(), s.err());
        String[] out = s.out().trim().split("\n");
        assertEquals("20 lines -> 20 examples (task qa, eval)", out[0]);
        JsonNode first = Json.MAPPER.readTree(out[1]);
        assertEquals("question: when was the last time anyone was on the moon answer: <extra_id_0>",
                first.get("query").asText());
        assertEquals(2, first.get("answers").size());
    }

    @Test
    void convertMmluThenShowWithCyclicPermutations() throws IOException {
        Path mmlu = tmp.resolve("mmlu.jsonl");
        DataCommandTest.Run c = run("atlas-tasks", "convert", "--from", "mmlu", "--in", RES
                + "atlas/abstract_algebra_dev.csv", "--out", mmlu.toString());
        assertEquals(0, c.rc(), c.err());
        DataCommandTest.Run s = run("atlas-tasks", "show", "--task", "multiple_choice", "--vocab", RES
                + "tokenizer/t5/spiece.model",
                "--mc-eval-permutations", "cyclic", "-n", "2", mmlu.toString());
        assertEquals(0, s.rc(), s.err());
        String[] out = s.out().trim().split("\n");
        assertEquals("5 lines -> 20 examples (task multiple_choice, eval)", out[0]);
        // cyclic copy 1: answer B → C
        assertEquals("<extra_id_0> C", Json.MAPPER.readTree(out[2]).get("target").asText());
    }

    @Test
    void badFilesAreUserErrors() throws IOException {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"question\": \"q\", \"answers\": [\"a\"]}\n{\"question\": 3}\n");
        DataCommandTest.Run s = run("atlas-tasks", "show", "--task", "qa", bad.toString());
        assertEquals(2, s.rc());
        assertEquals("t5j: error: " + bad + ":2: field 'question': expected a string, got a number (task qa)",
                s.err().trim());
        DataCommandTest.Run m = run("atlas-tasks", "show", "--task", "mlm", bad.toString());
        assertEquals(2, m.rc());
        assertTrue(m.err().contains("needs the reader's vocabulary"), m.err());
        DataCommandTest.Run f = run("atlas-tasks", "convert", "--from", "squad", "--in", bad.toString(), "--out",
                tmp.resolve("x").toString());
        assertEquals(2, f.rc());
    }
}
