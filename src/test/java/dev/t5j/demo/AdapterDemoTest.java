package dev.t5j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.adapters.AdapterFolder;
import dev.t5j.adapters.AdapterTraining;
import dev.t5j.common.Json;
import dev.t5j.engine.Tensors;
import dev.t5j.eval.GlueMetrics;
import dev.t5j.eval.Metrics;
import dev.t5j.eval.PredictionFile;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.SafetensorsReader;
import dev.t5j.run.RunCheckpoints;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code t5j adapters demo} end to end with a few steps per stage: the report's structure and its internal consistency
 * against what the runs wrote (parameter counts, optimizer state, the frozen base, predictions). The figures come from
 * the full run (BENCHMARKS.md).
 */
class AdapterDemoTest {
    @TempDir
    static Path out;
    static AdapterDemo.Result result;
    static JsonNode summary;
    static final int TEST = 6;

    @BeforeAll
    static void runTinyDemo() throws Exception {
        AdapterDemo.Options o = new AdapterDemo.Options(out, 3, 4, 4, 16, TEST, 1e-3, 1, 0);
        result = new AdapterDemo(o, new PrintStream(new ByteArrayOutputStream())).run();
        summary = Json.MAPPER.readTree(Files.readString(result.summary()));
    }

    private static JsonNode method(String dir) {
        for (JsonNode m : summary.get("methods")) if (m.get("dir").asText().equals(dir)) return m;
        throw new AssertionError("no method " + dir);
    }

    @Test
    void theReportHasEveryMethodTaskAndRunFile() throws Exception {
        List<String> dirs = new ArrayList<>();
        for (JsonNode m : summary.get("methods")) dirs.add(m.get("dir").asText());
        assertEquals(List.of("full", "adapter", "hyperformer-pp", "lora"), dirs);
        assertEquals(4, result.rows().size());
        for (String d : dirs) {
            JsonNode m = method(d);
            assertEquals(GlueShapedTasks.NAMES, fieldNames(m.get("scores")));
            for (String t : GlueShapedTasks.NAMES) assertEquals(GlueShapedTasks.METRICS.get(t).size(),
                    m.get("scores").get(t).size(), t);
            assertTrue(m.get("median_step_seconds").asDouble() > 0, d);
            for (String f : List.of("config.yaml", "metrics.jsonl", "report.html"))
                assertTrue(Files.isRegularFile(out.resolve(d).resolve(f)), d + "/" + f);
        }
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
        assertEquals(GlueShapedTasks.NAMES.size(), summary.get("config").get("tasks").size());
        String report = Files.readString(result.report());
        for (AdapterDemo.Row r : result.rows()) assertTrue(report.contains("| " + r.method() + " |"), r.method());
        assertEquals(6, summary.get("pretraining_exact_match").size(), "synthetic_easy has six tasks");
    }

    @Test
    void fractionsComeFromTheParameterCounts() {
        long base;
        try (T5ForConditionalGeneration m = Checkpoint.load(out.resolve("pretrain/model"))) {
            base = m.parameterCount();
        }
        JsonNode full = method("full");
        assertEquals(base, full.get("trained_parameters").asLong());
        assertEquals(base, full.get("total_parameters").asLong());
        assertEquals(1.0, full.get("trained_fraction").asDouble());
        for (String d : List.of("adapter", "hyperformer-pp", "lora")) {
            JsonNode m = method(d);
            long trained = m.get("trained_parameters").asLong(), total = m.get("total_parameters").asLong();
            assertEquals((double) trained / total, m.get("trained_fraction").asDouble(), 1e-15, d);
            // the adapter folder holds exactly what trained: the adapter, plus the base's layer norms when unfrozen
            long inFile = 0, baseInFile = 0;
            try (SafetensorsReader r = SafetensorsReader.open(out.resolve(d).resolve(AdapterTraining.DIR)
                    .resolve(AdapterFolder.WEIGHTS))) {
                for (String n : r.names()) {
                    inFile += r.info(n).numel();
                    if (n.endsWith("layer_norm.weight") && !n.contains("adapter")) baseInFile += r.info(n).numel();
                }
            }
            assertEquals(inFile, trained, d);
            assertEquals(base + inFile - baseInFile, total, d);
            assertTrue(trained < total / 4, d + ": a fraction of the model");
        }
    }

    @Test
    void optimizerStateIsWhatTheCheckpointHoldsAndSmallerForTheAdapters() throws Exception {
        long full = method("full").get("optimizer_state_bytes").asLong();
        for (String d : List.of("full", "adapter", "hyperformer-pp", "lora")) {
            JsonNode m = method(d);
            Path ckpt = new RunCheckpoints(out.resolve(d)).latest();
            long bytes;
            try (SafetensorsReader r = SafetensorsReader.open(ckpt.resolve(RunCheckpoints.OPTIMIZER_FILE))) {
                bytes = r.totalBytes();
            }
            assertEquals(bytes, m.get("optimizer_state_bytes").asLong(), d);
            if (!d.equals("full")) assertTrue(bytes < full, d + ": " + bytes + " >= " + full);
            // AdamW keeps two moments per trained parameter, none for the frozen base (an adapter whose task no
            // step drew has none yet: PyTorch's zero_grad(set_to_none=True))
            assertTrue(bytes > 0 && bytes <= 8 * m.get("trained_parameters").asLong(), d + ": " + bytes);
            if (d.equals("full")) assertEquals(8 * m.get("trained_parameters").asLong(), bytes);
        }
    }

    @Test
    void everyMethodSawTheSameBatches() throws Exception {
        JsonNode first = null;
        for (String d : List.of("full", "adapter", "hyperformer-pp", "lora")) {
            Path ckpt = new RunCheckpoints(out.resolve(d)).latest();
            JsonNode s = Json.read(ckpt.resolve(RunCheckpoints.STATE_FILE));
            Map<String, String> fields = new LinkedHashMap<>();
            s.fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("task_")) fields.put(e.getKey(), e.getValue().asText());
            });
            assertEquals(4, s.get("task_draws").asLong(), d + ": one sampler draw per step");
            JsonNode now = Json.MAPPER.valueToTree(fields);
            if (first == null) first = now;
            else assertEquals(first, now, d);
        }
    }

    @Test
    void theFrozenBaseIsBitIdenticalAfterTheAdapterRuns() {
        try (T5ForConditionalGeneration base = Checkpoint.load(out.resolve("pretrain/model"))) {
            for (String d : List.of("full", "adapter", "hyperformer-pp", "lora")) {
                int changed = 0, changedOther = 0;
                try (T5ForConditionalGeneration m = Checkpoint.load(out.resolve(d).resolve("model"))) {
                    for (Map.Entry<String, Tensor> e : base.parameters().entrySet()) {
                        boolean same = Arrays.equals(Tensors.toFloats(e.getValue()),
                                Tensors.toFloats(m.parameters().get(e.getKey())));
                        if (same) continue;
                        changed++;
                        if (!e.getKey().endsWith("layer_norm.weight")) changedOther++;
                    }
                }
                if (d.equals("full")) assertTrue(changedOther > 0, "full fine-tuning moves the base");
                else assertEquals(0, changedOther, d + ": only the unfrozen layer norms may move");
                if (d.equals("lora")) assertEquals(0, changed, "LoRA trains no base parameter");
                if (d.equals("adapter")) assertTrue(changed > 0, "unfreeze_layer_norms trains the layer norms");
            }
        }
    }

    @Test
    void scoresAreRecomputedFromTheWrittenPredictions() {
        for (String d : List.of("full", "adapter", "hyperformer-pp", "lora")) {
            JsonNode m = method(d);
            List<Map<String, Double>> perTask = new ArrayList<>();
            for (String task : GlueShapedTasks.NAMES) {
                PredictionFile.Data p = PredictionFile.read(out.resolve("predictions").resolve(d)
                        .resolve(task + ".jsonl"));
                assertEquals(TEST, p.predictions().size());
                Map<String, Double> recomputed = new LinkedHashMap<>();
                for (String metric : GlueShapedTasks.METRICS.get(task))
                    recomputed.putAll(Metrics.byName(metric).compute(p.predictions(), p.references()));
                assertEquals(recomputed.keySet(), new LinkedHashSet<>(fieldNames(m.get("scores")
                        .get(task))), d + "/" + task);
                recomputed.forEach((k, v) -> assertEquals(v, m.get("scores").get(task).get(k).asDouble(), 1e-9,
                        d + "/" + task + "/" + k));
                perTask.add(recomputed);
            }
            assertEquals(GlueMetrics.average(perTask), m.get("average").asDouble(), 1e-9, d);
        }
        assertFalse(result.rows().isEmpty());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
