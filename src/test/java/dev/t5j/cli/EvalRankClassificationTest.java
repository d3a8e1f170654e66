package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.data.prompted.PromptedTestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code t5j eval} on _score_eval tasks ranks the answer choices (as {@code t5j rank --task}) instead of generating;
 * a mixture of them with members whose data is missing is an error naming them, or with --allow-missing evaluates
 * the others. Data: the test templates and three SuperGLUE RTE rows (as PromptedTasksTest), a tiny random model.
 */
class EvalRankClassificationTest {
    @TempDir
    static Path tmp;
    static Path data, model;

    @BeforeAll
    static void setUp() throws IOException {
        data = tmp.resolve("data");
        PromptedTestData.copyTemplates(data);
        PromptedTestData.writeRte(data, 3);
        model = tmp.resolve("m");
        assertEquals(0, CliTest.run("model", "init", "--preset", "tiny", "--seed", "3", "--out", model.toString())
                .code());
    }

    static List<JsonNode> json(String out) throws IOException {
        List<JsonNode> l = new ArrayList<>();
        for (String line : out.lines().toList()) l.add(Json.MAPPER.readTree(line));
        return l;
    }

    @Test
    void scoreEvalTaskIsRankedAsTheRankCommandDoes() throws IOException {
        String task = "super_glue_rte_GPT_3_style_score_eval";
        CliTest.Run e = CliTest.run("eval", "--model", model.toString(), "--vocab", "byte", "--data-dir",
                data.toString(), "--task", task, "--json");
        assertEquals(0, e.code(), e.err());
        CliTest.Run r = CliTest.run("rank", "--model", model.toString(), "--vocab", "byte", "--data-dir",
                data.toString(), "--task", task, "--json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> got = json(e.out()), want = json(r.out());
        assertEquals(want, got);
        assertEquals(2, got.size(), e.out());
        assertEquals(task, got.get(0).get("task").asText());
        assertEquals(3, got.get(0).get("examples").asInt(), "three examples, not six rows: choices are grouped");
        assertEquals(1, got.get(1).get("prompts").asInt());
        CliTest.Run limited = CliTest.run("eval", "--model", model.toString(), "--vocab", "byte", "--data-dir",
                data.toString(), "--task", task, "-n", "2");
        assertEquals(0, limited.code(), limited.err());
        assertTrue(limited.out().contains("(2 examples)"), limited.out());
        assertTrue(limited.out().contains("median"), limited.out());
    }

    @Test
    void mixtureWithMissingMembersNeedsAllowMissing() throws IOException {
        CliTest.Run no = CliTest.run("eval", "--model", model.toString(), "--vocab", "byte", "--data-dir",
                data.toString(), "--mixture", "t0_eval_score_eval", "--json");
        assertEquals(2, no.code(), no.err());
        assertTrue(no.err().contains("--allow-missing"), no.err());
        assertTrue(no.err().contains("super_glue_wic"), "names a missing member: " + no.err());
        assertEquals("", no.out());
        CliTest.Run yes = CliTest.run("eval", "--model", model.toString(), "--vocab", "byte", "--data-dir",
                data.toString(), "--mixture", "t0_eval_score_eval", "--allow-missing", "--json");
        assertEquals(0, yes.code(), yes.err());
        assertTrue(yes.err().contains("t5j: note: skipped") && yes.err().contains("super_glue_wic"), yes.err());
        List<JsonNode> got = json(yes.out());
        long prompts = got.stream().filter(n -> n.has("task")).count();
        assertTrue(prompts >= 1, yes.out());
        for (JsonNode n : got) {
            if (n.has("task")) {
                assertTrue(n.get("task").asText().startsWith("super_glue_rte_"), n.toString());
                assertEquals(3, n.get("examples").asInt(), n.toString());
            }
        }
        JsonNode ds = got.get(got.size() - 1);
        assertEquals(prompts, ds.get("prompts").asLong(), "one dataset (RTE): all its prompts");
    }
}
