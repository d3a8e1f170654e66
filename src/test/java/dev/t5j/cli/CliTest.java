package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.model.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
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

import static org.junit.jupiter.api.Assertions.*;

/** The CLI contract of issue 2, run in-process. */
class CliTest {
    @TempDir
    static Path tmp;
    static Path model;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = T5jCli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
            int code = cl.execute(args);
            System.out.flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    @BeforeAll
    static void initModel() {
        model = tmp.resolve("m");
        Run r = run("model", "init", "--preset", "tiny-v1_1", "--seed", "3", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(model.resolve("model.safetensors")));
    }

    @Test
    void modelInitRefusesToOverwriteAModelWithoutOverwrite() throws Exception {
        byte[] before = Files.readAllBytes(model.resolve("model.safetensors"));
        Run r = run("model", "init", "--preset", "tiny-v1_1", "--seed", "4", "--out", model.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--overwrite") && r.err().contains(model.toString()), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(model.resolve("model.safetensors"))));
        Path other = tmp.resolve("m-overwrite");
        assertEquals(0, run("model", "init", "--preset", "tiny", "--out", other.toString()).code());
        assertEquals(0, run("model", "init", "--preset", "tiny", "--seed", "5", "--out", other.toString(),
                "--overwrite").code());
    }

    @Test
    void trainResumeRefusesAnOverrideThatChangesTheModel() throws Exception {
        Path out = tmp.resolve("resume-run");
        Run first = run("train", "--set", "out=" + out, "--set", "train.steps=2", "--set", "eval.examples=2",
                "--set", "train.threads=1", "--set", "data.batch_size=4");
        assertEquals(0, first.code(), first.err());
        Run r = run("train", "--resume", "--set", "out=" + out, "--set", "model.preset=t5-small");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("model.preset"), r.err());
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("preset: \"tiny\"")
                || Files.readString(out.resolve("config.yaml")).contains("preset: tiny"), "config.yaml unchanged");
    }

    @Test
    void helpListsCommandsAndEveryCommandHasHelp() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : new String[]{"quickstart", "model", "generate", "score",
                "bench"}) assertTrue(r.out().contains(c), c);
        for (String[] c : new String[][]{{"model", "init"}, {"model", "info"}, {"generate"}, {"score"}, {"bench",
                "model"}, {"quickstart"}}) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            Run h = run(args);
            assertEquals(0, h.code(), String.join(" ", c));
            assertTrue(h.out().contains("Usage"), String.join(" ", c));
        }
    }

    @Test
    void infoShowsConfigAndCounts() {
        Run r = run("model", "info", model.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.MAPPER.valueToTree(Json.readLine(Path.of("-"), 1, r.out().trim()));
        assertEquals(64, j.get("config").get("d_model").asInt());
        try (var m = Checkpoint.load(model)) {
            assertEquals(m.parameterCount(), j.get("parameters").asLong());
        }
    }

    @Test
    void generateJsonMatchesLibraryAndBatchesFromFile() throws Exception {
        Run r = run("generate", "--model", model.toString(), "--input-ids", "13,7,9", "--input-ids", "5,6",
                "--max-new-tokens", "6", "--num-beams", "2", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().trim().split("\n");
        assertEquals(2, lines.length);
        int[][] want;
        try (var m = Checkpoint.load(model)) {
            want = new Generator(m).generate(new int[][]{{13, 7, 9}, {5, 6}}, GenerationConfig.beam(6, 2)).sequences();
        }
        for (int i = 0; i < 2; i++) {
            JsonNode n = Json.readLine(Path.of("-"), i + 1, lines[i]);
            assertEquals(1, n.size(), "only output_ids");
            int[] got = new int[n.get("output_ids").size()];
            for (int k = 0; k < got.length; k++) got[k] = n.get("output_ids").get(k).asInt();
            assertArrayEquals(want[i], got);
        }
        Path f = tmp.resolve("ids.jsonl");
        Files.writeString(f, "{\"input_ids\":[13,7,9]}\n\n{\"input_ids\":[5,6]}\n");
        Run r2 = run("generate", "--model", model.toString(), "--input-file", f.toString(), "--max-new-tokens", "6",
                "--num-beams", "2", "--json");
        assertEquals(r.out(), r2.out());
    }

    @Test
    void scoreGivesTokenLogProbsSumAndLogits() {
        Run r = run("score", "--model", model.toString(), "--input-ids", "13,7,9", "--target-ids", "4,5,1", "--logits",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.readLine(Path.of("-"), 1, r.out().trim());
        assertEquals(3, n.get("token_logprobs").size());
        double sum = 0;
        for (JsonNode x : n.get("token_logprobs")) sum += x.asDouble();
        assertEquals(sum, n.get("sum").asDouble(), 1e-4);
        assertEquals(3, n.get("logits").size());
        assertEquals(512, n.get("logits").get(0).size());
        // log-prob of target 4 at position 0 equals logits[0][4] - logsumexp(logits[0])
        double max = Double.NEGATIVE_INFINITY, s = 0;
        for (JsonNode x : n.get("logits").get(0)) max = Math.max(max, x.asDouble());
        for (JsonNode x : n.get("logits").get(0)) s += Math.exp(x.asDouble() - max);
        assertEquals(n.get("logits").get(0).get(4).asDouble() - max - Math.log(s), n.get("token_logprobs").get(0)
                .asDouble(), 1e-4);
    }

    @Test
    void userErrorsExitTwoWithAMessageAndNoStackTrace() throws Exception {
        Run bad = run("generate", "--model", model.toString(), "--input-ids", "1,x");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--input-ids") && bad.err().contains("'x'"), bad.err());
        assertFalse(bad.err().contains("at dev.t5j"), bad.err());

        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"input_ids\":[1,2]}\n{\"input_ids\":[1,\"a\"]}\n");
        Run r = run("generate", "--model", model.toString(), "--input-file", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.jsonl:2") && r.err().contains("input_ids"), r.err());

        Run missing = run("generate", "--model", tmp.resolve("nope").toString(), "--input-ids", "1");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope"), missing.err());

        Run range = run("score", "--model", model.toString(), "--input-ids", "1", "--target-ids", "99999");
        assertEquals(2, range.code());
        assertTrue(range.err().contains("99999"), range.err());
    }

    @Test
    void trainEvalPredictAndQuickstartCommandsRun() throws Exception {
        Run pc = run("train", "--print-config", "--set", "train.steps=7");
        assertEquals(0, pc.code(), pc.err());
        assertTrue(pc.out().contains("steps: 7"), pc.out());
        Run badKey = run("train", "--set", "optimizer.nme=sgd");
        assertEquals(2, badKey.code());
        assertTrue(badKey.err().contains("optimizer.nme") && badKey.err().contains("name"), badKey.err());

        Path qs = tmp.resolve("qs");
        Run q = run("quickstart", "--out", qs.toString(), "--set", "train.steps=3", "--set", "schedule.warmup=1",
                "--set", "eval.examples=4", "--set", "eval.max_new_tokens=8");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("synth_reverse") && q.out().contains("report:"), q.out());
        Run again = run("quickstart", "--out", qs.toString(), "--set", "train.steps=3");
        assertEquals(2, again.code(), "an existing run is not overwritten silently");

        String[] data = {"--task", "synth_reverse", "--synth-length", "4,12", "--synth-pool", "68", "--inputs-length",
                "40", "--targets-length", "32"};
        Run ev = run(concat(new String[]{"eval", "--model", qs.resolve("model").toString(), "-n", "5",
                "--max-new-tokens", "8", "--json"}, data));
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("\"synth_reverse\"") && ev.out().contains("exact_match_ids"), ev.out());
        Path preds = tmp.resolve("preds.jsonl");
        Run pr = run(concat(new String[]{"predict", "--model", qs.resolve("model").toString(), "-n", "5",
                "--max-new-tokens", "8", "--out", preds.toString()}, data));
        assertEquals(0, pr.code(), pr.err());
        java.util.List<String> lines = Files.readAllLines(preds);
        assertEquals(5, lines.size());
        JsonNode first = Json.readLine(preds, 1, lines.get(0));
        for (String f : new String[]{"task", "inputs", "prediction", "references", "metrics"}) assertTrue(first.has(f),
                f);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
