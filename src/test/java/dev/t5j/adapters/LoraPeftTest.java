package dev.t5j.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.NaiveT5;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.SafetensorsReader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA in PEFT's format: a folder PEFT wrote loads, computes what PEFT and W + (alpha/r)·B·A compute, merges, saves.
* */
class LoraPeftTest {
    static final Path FIX = Path.of("src/test/resources/adapters/peft-lora");

    static float[] logits(T5ForConditionalGeneration m, JsonNode fx) {
        int[] in = ints(fx.get("input_ids"));
        int[] dec = ints(fx.get("decoder_input_ids"));
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            return Tensors.toFloats(m.forward(Tensors.longs(new int[][]{in}, 0), null, Tensors.longs(new int[][]{dec},
                    0)));
        }
    }

    static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
        return v;
    }

    @Test
    void peftFolderLoadsAndGivesPeftsLogitsAndTheMergedWeightFormula() {
        JsonNode fx = Json.read(FIX.resolve("logits.json"));
        try (T5ForConditionalGeneration m = Checkpoint.load(FIX.resolve("base"));
             AdapterModule lora = AdapterFolder.load(FIX.resolve("adapter"), m)) {
            AdapterConfig c = lora.config();
            assertEquals(4, c.r());
            assertEquals(2.0, c.loraScale());
            float[] plain = logits(m, fx);
            m.setHooks(lora);
            float[] got = logits(m, fx);
            int v = m.config().vocabSize();
            double maxPeft = 0;
            double change = 0;
            for (int t = 0; t < fx.get("logits").size(); t++)
                for (int j = 0; j < v; j++) {
                    maxPeft = Math.max(maxPeft, Math.abs(got[t * v + j] - fx.get("logits").get(t).get(j).asDouble()));
                    change = Math.max(change, Math.abs(got[t * v + j] - plain[t * v + j]));
                }
            assertTrue(maxPeft < 1e-4, "max |t5j - PEFT| = " + maxPeft);
            assertTrue(change > 1e-2, "the adapter changes the logits");
            // W + (alpha/r)·B·A, computed here from the file's raw factors, in the naive double-precision T5.
            NaiveT5 naive = new NaiveT5(m);
            int targets = 0;
            try (SafetensorsReader r = SafetensorsReader.open(FIX.resolve("adapter/adapter_model.safetensors"))) {
                for (String name : m.parameters().keySet()) {
                    String module = name.substring(0, name.length() - ".weight".length());
                    String a = "base_model.model." + module + ".lora_A.weight";
                    if (!r.contains(a)) continue;
                    targets++;
                    float[] wa = r.get(a).toFloatArray();
                    float[] wb = r.get("base_model.model." + module + ".lora_B.weight").toFloatArray();
                    float[] w = Tensors.toFloats(m.parameters().get(name));
                    int out = (int) m.parameters().get(name).size(0);
                    int in = (int) m.parameters().get(name).size(1);
                    for (int o = 0; o < out; o++)
                        for (int i = 0; i < in; i++) {
                            double s = 0;
                            for (int k = 0; k < 4; k++) s += wb[o * 4 + k] * wa[k * in + i];
                            w[o * in + i] += (float) (8.0 / 4 * s);
                        }
                    naive.setWeight(name, w);
                }
            }
            assertEquals(2 * 3 + 2 * 5, targets,
                    "q, v, wo in 2 encoder blocks; q, v (self and cross), wo in 2 decoder blocks");
            double[][] want = naive.logits(ints(fx.get("input_ids")), ints(fx.get("decoder_input_ids")));
            double maxFormula = 0;
            for (int t = 0; t < want.length; t++)
                for (int j = 0; j < v; j++) maxFormula = Math.max(maxFormula, Math.abs(got[t * v + j] - want[t][j]));
            assertTrue(maxFormula < 1e-4, "max |t5j - naive(W + (alpha/r)BA)| = " + maxFormula);
            // Merged equals unmerged.
            ((LoraAdapters) lora).mergeInto(m);
            m.setHooks(null);
            float[] merged = logits(m, fx);
            double maxMerge = 0;
            for (int i = 0; i < merged.length; i++) maxMerge = Math.max(maxMerge, Math.abs(merged[i] - got[i]));
            assertTrue(maxMerge < 1e-5, "max |merged - unmerged| = " + maxMerge);
        }
    }

    @Test
    void savedFolderHasPeftsKeysAndRoundTrips(@TempDir Path tmp) throws IOException {
        try (T5ForConditionalGeneration m = Checkpoint.load(FIX.resolve("base"));
             AdapterModule lora = AdapterFolder.load(FIX.resolve("adapter"), m)) {
            AdapterFolder.save(tmp, lora, Map.of());
            try (SafetensorsReader a = SafetensorsReader.open(FIX.resolve("adapter/adapter_model.safetensors"));
                 SafetensorsReader b = SafetensorsReader.open(tmp.resolve("adapter_model.safetensors"))) {
                assertEquals(new TreeSet<>(a.names()), new TreeSet<>(b.names()));
                for (String n : a.names())
                    assertEquals(Arrays.toString(a.get(n).toFloatArray()), Arrays.toString(b.get(n).toFloatArray()), n);
            }
            JsonNode cfg = Json.read(tmp.resolve("adapter_config.json"));
            assertEquals("LORA", cfg.get("peft_type").asText());
            assertEquals(8.0, cfg.get("lora_alpha").asDouble());
            try (AdapterModule again = AdapterFolder.load(tmp, m)) {
                assertEquals(lora.config().targetModules(), again.config().targetModules());
            }
        }
    }

    @Test
    void unsupportedPeftOptionsAndMismatchedBasesNameFileAndKey(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("dora");
        Files.createDirectories(bad);
        ObjectNode cfg = (ObjectNode) Json.read(FIX.resolve("adapter/adapter_config.json"));
        cfg.put("use_dora", true);
        Files.writeString(bad.resolve("adapter_config.json"), cfg.toString());
        Files.copy(FIX.resolve("adapter/adapter_model.safetensors"), bad.resolve("adapter_model.safetensors"));
        try (T5ForConditionalGeneration m = Checkpoint.load(FIX.resolve("base"))) {
            UserError e = assertThrows(UserError.class, () -> AdapterFolder.load(bad, m));
            assertTrue(e.getMessage().contains("adapter_config.json: key 'use_dora'"), e.getMessage());
            cfg.put("use_dora", false);
            cfg.putArray("target_modules").add("q").add("v").add("wo").add("k");
            Files.writeString(bad.resolve("adapter_config.json"), cfg.toString());
            e = assertThrows(UserError.class, () -> AdapterFolder.load(bad, m));
            assertTrue(e.getMessage().contains("adapter_model.safetensors: key '") && e.getMessage().contains(
                    ".k.lora_A.weight' is missing"),
                    e.getMessage());
        }
        // A base with another d_model.
        try (T5ForConditionalGeneration other = T5ForConditionalGeneration.init(new T5Config(64, 32, 4, 32, 2, 2, 4,
                32, 128,
                0.0, 1e-6, 1.0, "relu", true, 0, 1, 0), 1)) {
            UserError e = assertThrows(UserError.class, () -> AdapterFolder.load(FIX.resolve("adapter"), other));
            assertTrue(e.getMessage().contains("adapter_model.safetensors: key 'base_model.model.")
                            && e.getMessage().contains("has shape"),
                    e.getMessage());
        }
    }
}
