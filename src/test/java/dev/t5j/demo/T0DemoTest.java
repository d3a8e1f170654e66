package dev.t5j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.decoding.RankScorer;
import dev.t5j.eval.WilsonInterval;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demonstration end to end at toy size (2 steps, tiny model, 6 examples per template): its wiring and the
 * consistency of what it writes. Its figures come from the full run (BENCHMARKS.md, docs/t0.md).
 */
class T0DemoTest {
    @TempDir
    static Path out;
    static T0Demo.Result result;
    static JsonNode report;
    static final int EXAMPLES = 6, TRAIN_ROWS = 60;

    static T0Demo.Options tiny(boolean resume) {
        return new T0Demo.Options(out, "tiny", 2, 4, 64, 16, 1e-3, TRAIN_ROWS, EXAMPLES, 300, 1, 0,
                T0Demo.Protocol.defaults(), List.of(), resume);
    }

    @BeforeAll
    static void runTinyDemo() throws Exception {
        result = new T0Demo(tiny(false), new PrintStream(new ByteArrayOutputStream())).run();
        report = Json.read(result.report());
    }

    @Test
    void resumeReusesTheFinishedTrainingRuns() throws Exception {
        String before = Files.readString(result.predictions());
        List<String> metrics = Files.readAllLines(out.resolve("prompted/metrics.jsonl"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new T0Demo(tiny(true), new PrintStream(log)).run();
        assertTrue(log.toString().contains("resuming training on " + T0Demo.PROMPTED_MIXTURE), log.toString());
        assertTrue(log.toString().contains("resuming training on " + T0Demo.RAW_MIXTURE));
        assertEquals(metrics, Files.readAllLines(out.resolve("prompted/metrics.jsonl")), "no step trained again");
        assertEquals(before, Files.readString(result.predictions()), "the same models score the same");
    }

    @Test
    void writesConfigMetricsPredictionsAndReports() {
        for (String f : List.of("config.yaml", "metrics.jsonl", "predictions.jsonl", "report.json", "report.md",
                "prompted/model/config.json", "raw/model/config.json", "data/SOURCE.md"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        assertEquals(50.0, report.get("chance_accuracy").asDouble());
        // both models, every evaluated template: 10 held-out-dataset templates, 2 held-out, 8 seen
        assertEquals(2 * 20, report.get("prompts").size());
    }

    @Test
    void accuraciesAndIntervalsFollowFromThePredictions() throws Exception {
        Map<String, int[]> counts = new HashMap<>(); // model|dataset|template -> {correct, n, label-1 count}
        for (String line : Files.readAllLines(result.predictions(), StandardCharsets.UTF_8)) {
            JsonNode p = Json.MAPPER.readTree(line);
            double[] s = new double[p.get("scores").size()];
            for (int i = 0; i < s.length; i++) s[i] = p.get("scores").get(i).asDouble();
            assertEquals(p.get("choices").size(), s.length);
            assertEquals(RankScorer.argmax(s), p.get("prediction").asInt(), "prediction is the argmax: " + line);
            int[] c = counts.computeIfAbsent(p.get("model").asText() + "|" + p.get("dataset").asText() + "|"
                    + p.get("template").asText(), k -> new int[3]);
            if (p.get("prediction").asInt() == p.get("label").asInt()) c[0]++;
            c[1]++;
            c[2] += p.get("label").asInt();
        }
        for (JsonNode p : report.get("prompts")) {
            int[] c = counts.get(p.get("model").asText() + "|" + p.get("dataset").asText() + "|"
                    + p.get("template").asText());
            assertEquals(EXAMPLES, c[1], p.toString());
            assertEquals(EXAMPLES / 2, c[2], "label-balanced, so chance is 50%: " + p);
            assertEquals(c[0], p.get("correct").asInt(), p.toString());
            assertEquals(100.0 * c[0] / c[1], p.get("accuracy").asDouble(), 1e-9);
            WilsonInterval w = WilsonInterval.of95(c[0], c[1]);
            assertEquals(100 * w.low(), p.get("ciLow").asDouble(), 1e-9);
            assertEquals(100 * w.high(), p.get("ciHigh").asDouble(), 1e-9);
            assertTrue(p.get("ciLow").asDouble() <= p.get("accuracy").asDouble()
                    && p.get("accuracy").asDouble() <= p.get("ciHigh").asDouble(), p.toString());
        }
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (JsonNode p : report.get("prompts"))
            by.computeIfAbsent(p.get("model").asText() + "|" + p.get("group").asText() + "|"
                    + p.get("dataset").asText(), k -> new ArrayList<>()).add(p.get("accuracy").asDouble());
        for (JsonNode d : report.get("datasets")) {
            List<Double> a = new ArrayList<>(by.get(d.get("model").asText() + "|" + d.get("group").asText() + "|"
                    + d.get("dataset").asText()));
            a.sort(null);
            int n = a.size();
            assertEquals(n, d.get("prompts").asInt());
            assertEquals(n % 2 == 1 ? a.get(n / 2) : (a.get(n / 2 - 1) + a.get(n / 2)) / 2,
                    d.get("median").asDouble(), 1e-9, d.toString());
        }
    }

    @Test
    void heldOutDatasetAndTemplatesNeverReachTraining() throws Exception {
        JsonNode tasks = report.get("training_tasks");
        List<String> prompted = new ArrayList<>();
        tasks.get(T0Demo.PROMPTED_MIXTURE).forEach(t -> prompted.add(t.asText()));
        assertEquals(4 + 4, prompted.size(), "SST-2's and MRPC's templates with choices, less one held out each");
        for (String t : prompted) {
            assertFalse(t.startsWith("rotten_tomatoes"), t);
            assertFalse(t.equals("glue_sst2_happy_or_mad") || t.equals("glue_mrpc_same_thing"), t);
        }
        // the mixtures the trainers read are the ones reported
        JsonNode file = Json.read(out.resolve("data/t0demo-tasks.json"));
        List<String> inFile = new ArrayList<>();
        file.get("mixtures").get(0).get("tasks").forEach(t -> inFile.add(t.get("name").asText()));
        assertEquals(prompted, inFile);
        // the raw tasks' files are named relative to the task file (task files resolve them so; --out may be relative)
        for (JsonNode t : file.get("tasks")) {
            Path f = Path.of(t.get("source").get("splits").get("train").asText());
            assertFalse(f.isAbsolute(), f.toString());
            assertTrue(Files.isRegularFile(out.resolve("data").resolve(f)), f.toString());
        }
        assertTrue(Files.readString(out.resolve("prompted/config.yaml")).contains(T0Demo.PROMPTED_MIXTURE));
        assertTrue(Files.readString(out.resolve("raw/config.yaml")).contains(T0Demo.RAW_MIXTURE));
        // raw fields: the same rows, label names as targets
        List<String> raw = Files.readAllLines(out.resolve("data/raw/glue_sst2.jsonl"));
        int kept = report.get("decontamination").get("glue/sst2").get("rows_kept").asInt();
        assertEquals(kept, raw.size());
        assertEquals(kept, Files.readAllLines(out.resolve("data/glue/SST-2/train.tsv")).size() - 1);
        assertTrue(kept <= TRAIN_ROWS && kept > 0);
        JsonNode first = Json.MAPPER.readTree(raw.get(0));
        assertTrue(first.get("inputs").asText().startsWith("sentence: "));
        assertTrue(List.of("negative", "positive").contains(first.get("targets").asText()));
    }

    @Test
    void trainingRowsThatOccurInTheHeldOutDatasetAreDropped() throws Exception {
        List<String> heldOut = List.of(T0DemoData.normalize("a gorgeous , witty , seductive movie ."));
        Path dir = out.resolve("decontamination");
        Files.createDirectories(dir.resolve("glue/SST-2"));
        Files.writeString(dir.resolve("glue/SST-2/train.tsv"), "sentence\tlabel\n"
                + "a gorgeous , witty , seductive \t1\n" // 4 words inside the held-out sentence: dropped
                + "witty \t1\n" // too short to count
                + "a dull movie with no wit \t0\n");
        int[] kd = T0DemoData.cutAndDecontaminate(dir, "glue/sst2", List.of("sentence"), 0, heldOut);
        assertEquals(2, kd[0]);
        assertEquals(1, kd[1]);
        assertFalse(Files.readString(dir.resolve("glue/SST-2/train.tsv")).contains("seductive"));
    }
}
