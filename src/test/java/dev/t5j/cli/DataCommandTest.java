package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DataCommandTest {
    static final String DATA = "src/test/resources/data";

    @TempDir
    Path tmp;

    record Run(int rc, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = T5jCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void showPrintsRawPreprocessedAndTokenized() throws IOException {
        Run r = run("data", "show", "--task", "natural_questions_open_test", "--split", "validation", "-n", "2",
                "--data-dir", DATA);
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("raw               question: \"when was the last time anyone was on the moon\""),
                r.out());
        assertTrue(r.out()
                .contains("preprocessed      inputs: \"nq question: when was the last time anyone was on the moon\""),
                r.out());
        assertTrue(r.out().contains("tokenized         inputs: ["), r.out());
        assertTrue(r.out().contains("\"14 December 1972 UTC\""), r.out());
        assertEquals(2, r.out().split("=== ").length - 1);
        Run j = run("data", "show", "--mixture", "closed_book_qa_test", "--split", "validation", "-n", "1", "--json",
                "--data-dir", DATA);
        assertEquals(0, j.rc(), j.err());
        String[] lines = j.out().trim().split("\n");
        assertEquals(2, lines.length, "one example for each task that has a validation split");
        assertTrue(j.err().contains("task 'trivia_qa_open_test' has no split 'validation'; skipped"), j.err());
        JsonNode first = Json.MAPPER.readTree(lines[0].getBytes());
        assertTrue(first.has("raw") && first.has("preprocessed") && first.has("tokenized"));
    }

    @Test
    void cacheThenStatsFromTheCache() throws IOException {
        Path out = tmp.resolve("cache");
        Run c = run("data", "cache", "--task", "natural_questions_open_test", "--split", "validation", "--out",
                out.toString(), "--data-dir", DATA, "--threads", "2");
        assertEquals(0, c.rc(), c.err());
        assertTrue(c.out().contains("cached natural_questions_open_test/validation: 40 examples"), c.out());
        Path dir = out.resolve("natural_questions_open_test/validation");
        try (var s = Files.list(dir)) {
            assertEquals(8, s.filter(p -> p.toString().endsWith(".t5jshard")).count(), "8 shards by default");
        }
        Run again = run("data", "cache", "--task", "natural_questions_open_test", "--split", "validation", "--out",
                out.toString(), "--data-dir", DATA);
        assertEquals(2, again.rc());
        assertTrue(again.err().contains("--overwrite"), again.err());
        Run st = run("data", "stats", "--task", "natural_questions_open_test", "--split", "validation", "--cache-dir",
                out.toString(), "--verify", "--data-dir", DATA);
        assertEquals(0, st.rc(), st.err());
        JsonNode j = Json.MAPPER.readTree(st.out());
        assertEquals(40, j.at("/natural_questions_open_test/stats/examples").asLong());
        assertTrue(j.at("/natural_questions_open_test/verified").asBoolean());
        Files.delete(dir.resolve("COMPLETED"));
        Run refused = run("data", "stats", "--task", "natural_questions_open_test", "--split", "validation",
                "--cache-dir", out.toString(), "--data-dir", DATA);
        assertEquals(2, refused.rc());
        assertTrue(refused.err().contains("incomplete cache"), refused.err());
        assertFalse(refused.err().contains("at dev.t5j"), "no stack trace");
    }

    @Test
    void computedStats() throws IOException {
        Run st = run("data", "stats", "--task", "web_questions_open_test", "--data-dir", DATA);
        assertEquals(0, st.rc(), st.err());
        JsonNode j = Json.MAPPER.readTree(st.out());
        assertEquals(5, j.at("/web_questions_open_test/stats/examples").asLong());
        assertTrue(j.at("/web_questions_open_test/stats/inputs_max_tokens").asLong() > 20);
    }

    @Test
    void badLinesStopByDefaultAndAreSkippedOnRequest() throws IOException {
        Path f = tmp.resolve("tasks.json");
        Path data = tmp.resolve("d.jsonl");
        Files.writeString(data,
                "{\"question\": \"q1\", \"answer\": [\"a\"]}\n{\"question\": \"q2\", \"answer\": " +
                        "[\"b\"\n{\"question\": \"q3\", \"answer\": [\"c\"]}\n");
        Files.writeString(f,
                "{\"tasks\": [{\"name\": \"mine\", \"source\": {\"type\": \"jsonl\", \"splits\": {\"train\": " +
                        "\"d.jsonl\"}},"
                + " \"preprocessors\": [\"natural_questions_open\", \"sample_answer\", \"tokenize\", " +
                        "\"append_eos\"]}]}");
        Run stop = run("data", "stats", "--task", "mine", "--tasks-file", f.toString(), "--data-dir", DATA);
        assertEquals(2, stop.rc());
        assertTrue(stop.err().contains(data + ":2: invalid JSON") && stop.err().contains("stopping"), stop.err());
        Run skip = run("data", "stats", "--task", "mine", "--tasks-file", f.toString(), "--skip-bad-lines",
                "--data-dir", DATA);
        assertEquals(0, skip.rc(), skip.err());
        assertEquals(2, Json.MAPPER.readTree(skip.out()).at("/mine/stats/examples").asLong());
        assertTrue(skip.err().contains("skipped 1 bad line"), skip.err());
    }

    @Test
    void clearErrorsBeforeWork() {
        Run unknown = run("data", "show", "--task", "natural_questions_opn", "--data-dir", DATA);
        assertEquals(2, unknown.rc());
        assertTrue(unknown.err().contains("no task or mixture named 'natural_questions_opn'")
                && unknown.err().contains("did you mean"), unknown.err());
        Run missing = run("data", "cache", "--task", "trivia_qa_open_test", "--split", "test", "--out",
                tmp.toString(), "--data-dir", DATA);
        assertEquals(2, missing.rc());
        assertTrue(missing.err().contains("unfiltered-web-test-without-answers.json: file not found"), missing.err());
        Run both = run("data", "show", "--task", "a", "--mixture", "b");
        assertEquals(2, both.rc());
        assertTrue(both.err().contains("exactly one of --task"), both.err());
        Run vocab = run("data", "show", "--task", "natural_questions_open_test", "--vocab",
                "/nonexistent/spiece.model", "--data-dir", DATA);
        assertEquals(2, vocab.rc());
        assertTrue(vocab.err().contains("vocabulary file not found"), vocab.err());
    }

    @Test
    void listShowsBuiltins() {
        Run r = run("data", "list", "--data-dir", DATA);
        assertEquals(0, r.rc(), r.err());
        for (String n : new String[] {"natural_questions_open", "web_questions_open_test", "trivia_qa_open",
                "closed_book_qa", "closed_book_qa_test"})
            assertTrue(r.out().contains(n), n);
    }
}
