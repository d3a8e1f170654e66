package dev.t5j.cli;

import dev.t5j.synth.TaskFunctions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.synth.SynthTsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SynthAndMetricsCommandTest {
    record Run(int rc, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = T5jCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setProperty("t5j.quiet", "true");
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int rc = cl.execute(args);
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void synthWritesTheReferenceFormatDeterministically(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.tsv"), b = dir.resolve("b.tsv");
        assertEquals(0, run("synth", "--task", "reverse", "--count", "50", "--seed", "3", "--out", a.toString(),
                "--threads", "1").rc());
        assertEquals(0, run("synth", "--task", "reverse", "--count", "50", "--seed", "3", "--out", b.toString()).rc());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        List<String> lines = Files.readAllLines(a);
        assertEquals(50, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).matches("\\[\\d+(, \\d+)*]\t\\[\\d+(, \\d+)*]"), lines.get(i));
            var ex = SynthTsv.parseLine(lines.get(i), a, i + 1);
            // prefix "reverse" + divider
            int[] args = java.util.Arrays.copyOfRange(ex.inputs(), 2, ex.inputs().length);
            assertArrayEquals(TaskFunctions.reverse(args), ex.targets());
        }
        Path c = dir.resolve("c.tsv");
        run("synth", "--task", "reverse", "--count", "50", "--seed", "4", "--out", c.toString());
        assertNotEquals(Files.readString(a), Files.readString(c));
    }

    @Test
    void synthRejectsBadInputWithUserErrors(@TempDir Path dir) throws Exception {
        Run r = run("synth", "--task", "nope", "--count", "5", "--out", dir.resolve("x.tsv").toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("unknown synthetic task 'nope'"), r.err());
        assertFalse(r.err().contains("Exception"));
        r = run("synth", "--task", "count", "--count", "5", "--min-length", "2", "--out",
                dir.resolve("x.tsv").toString());
        assertEquals(2, r.rc());
        Path vocab = dir.resolve("vocab.txt");
        Files.writeString(vocab, "<pad>\n</s>\n\n");
        r = run("synth", "--task", "set", "--count", "5", "--vocab", vocab.toString(), "--out",
                dir.resolve("x.tsv").toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("vocab.txt:3: field 'piece'"), r.err());
    }

    @Test
    void synthAcceptsAPlainPieceListVocabulary(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("<pad>\n</s>\n<unk>\nset\n");
        for (int i = 0; i < 100; i++) sb.append("w").append(i).append('\n');
        for (int i = 15; i >= 0; i--) sb.append("<extra_id_").append(i).append(">\n");
        Path vocab = dir.resolve("vocab.txt");
        Files.writeString(vocab, sb);
        Path out = dir.resolve("s.tsv");
        assertEquals(0, run("synth", "--task", "set", "--count", "20", "--vocab", vocab.toString(), "--out",
                out.toString()).rc());
        var ex = SynthTsv.parseLine(Files.readAllLines(out).get(0), out, 1);
        assertEquals(3, ex.inputs()[0], "the task name 'set' is piece 3");
        assertEquals(119, ex.inputs()[1], "<extra_id_0> is the last id (120 pieces)");
    }

    @Test
    void metricsPrintsJsonScores(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"prediction\": \"The cat\", \"references\": [\"cat\", \"dog\"]}\n\n"
                + "{\"prediction\": \"a dog\", \"references\": [\"the bird\"]}\n");
        Run r = run("metrics", "--metric", "squad", "--input", f.toString());
        assertEquals(0, r.rc(), r.err());
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(2, n.get("count").asInt());
        assertEquals(50.0, n.get("em").asDouble(), 1e-9);
        assertEquals(50.0, n.get("f1").asDouble(), 1e-9);
        r = run("metrics", "--metric", "rouge", "--stem", "--input", f.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(Json.MAPPER.readTree(r.out()).has("rougeLsum"));
        r = run("metrics", "--metric", "nq", "--min-annotations", "2", "--input", f.toString());
        assertEquals(0, r.rc(), r.err());
        assertEquals(1.0, Json.MAPPER.readTree(r.out()).get("golden_answers").asDouble(),
                "only the first line has 2 annotations");
        r = run("metrics", "--metric", "bleu", "--tokenize", "intl", "--input", f.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(Json.MAPPER.readTree(r.out()).has("bleu"));
    }

    @Test
    void metricsNamesFileLineAndFieldOfBadLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f,
                "{\"prediction\": \"x\", \"references\": [\"x\"]}\n{\"prediction\": \"x\", \"references\": \"x\"}\n");
        Run r = run("metrics", "--metric", "accuracy", "--input", f.toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("bad.jsonl:2: field 'references': must be a list of strings"), r.err());
        Files.writeString(f, "{\"references\": [\"x\"]}\n");
        assertTrue(run("metrics", "--metric", "accuracy", "--input",
                f.toString()).err().contains("bad.jsonl:1: field 'prediction': missing"));
        Files.writeString(f, "{oops\n");
        assertTrue(run("metrics", "--metric", "accuracy", "--input",
                f.toString()).err().contains("bad.jsonl:1: invalid JSON"));
        Run u = run("metrics", "--metric", "meteor", "--input", f.toString());
        assertEquals(2, u.rc());
        assertTrue(u.err().contains("unknown metric 'meteor'"));
    }
}
