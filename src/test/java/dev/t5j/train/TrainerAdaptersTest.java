package dev.t5j.train;

import dev.t5j.adapters.AdapterFolder;
import dev.t5j.adapters.AdapterModule;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.SafetensorsReader;
import dev.t5j.run.RunCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training with an {@code adapters:} section: the base stays frozen bit for bit, only adapters get optimizer state. */
class TrainerAdaptersTest {
    static Path initModel(Path tmp) throws Exception {
        Path dir = tmp.resolve("init");
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 5)) {
            Checkpoint.save(m, dir);
        }
        return dir;
    }

    static List<String> run(Path out, Path init, long steps, String... adapters) {
        List<String> a = new ArrayList<>(TrainerTest.tiny(out, steps));
        a.remove("model.preset=tiny");
        a.add("model.preset=null");
        a.add("model.init_from=" + init);
        a.addAll(List.of(adapters));
        return a;
    }

    /** Compares every base tensor of {@code after} with {@code before}; returns the names that changed. */
    static List<String> changed(Path before, Path after) {
        List<String> out = new ArrayList<>();
        try (SafetensorsReader a = SafetensorsReader.open(before.resolve("model.safetensors"));
             SafetensorsReader b = SafetensorsReader.open(after.resolve("model.safetensors"))) {
            assertEquals(new java.util.TreeSet<>(a.names()), new java.util.TreeSet<>(b.names()));
            for (String n : a.names())
                if (!Arrays.equals(a.get(n).toFloatArray(), b.get(n).toFloatArray())) out.add(n);
        }
        return out;
    }

    @Test
    void frozenBaseIsBitIdenticalAndOnlyAdaptersTrain(@TempDir Path tmp) throws Exception {
        Path init = initModel(tmp);
        Path runDir = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(TrainConfig.load(null, run(runDir, init, 4, "adapters.method=adapter",
                "adapters.reduction_factor=8")),
                new PrintStream(log)).run(false);
        assertEquals(List.of(), changed(init, runDir.resolve("model")), "no base parameter moved");
        try (SafetensorsReader opt = SafetensorsReader.open(runDir.resolve("checkpoints/step_00000004").resolve(
                RunCheckpoints.OPTIMIZER_FILE))) {
            assertFalse(opt.names().isEmpty());
            for (String n : opt.names()) assertTrue(n.contains(".adapter_controller."),
                    "optimizer state only for adapters: " + n);
        }
        // Adapters saved apart, with their config; they load back onto the base and differ from a fresh init.
        try (T5ForConditionalGeneration base = Checkpoint.load(init);
             AdapterModule a = AdapterFolder.load(runDir.resolve("adapter"), base)) {
            long n = a.parameters().values().stream().mapToLong(t -> t.numel()).sum();
            String line = log.toString();
            assertTrue(line.contains(String.format(java.util.Locale.ROOT, "training %,d of %,d parameters", n, n
                    + base.parameterCount())), line);
            assertEquals(8, a.config().reductionFactor());
        }
        assertTrue(Files.isDirectory(runDir.resolve("checkpoints/step_00000004/adapter")),
                "checkpoints carry the adapter");
    }

    @Test
    void unfrozenLayerNormsTrainAndAreSavedWithTheAdapter(@TempDir Path tmp) throws Exception {
        Path init = initModel(tmp);
        Path runDir = tmp.resolve("run");
        new Trainer(TrainConfig.load(null, run(runDir, init, 2, "adapters.method=hyperformer++",
                "adapters.tasks=[synth_reverse]",
                "adapters.task_embedding_dim=16", "adapters.projected_task_embedding_dim=16",
                        "adapters.task_hidden_dim=32",
                "adapters.unfreeze_layer_norms=true")), TrainerTest.QUIET).run(false);
        List<String> moved = changed(init, runDir.resolve("model"));
        assertFalse(moved.isEmpty());
        for (String n : moved) assertTrue(n.endsWith("layer_norm.weight"), "only layer norms move: " + n);
        try (SafetensorsReader r = SafetensorsReader.open(runDir.resolve("adapter/adapter_model.safetensors"))) {
            assertTrue(r.names().containsAll(moved), "the trained layer norms are saved with the adapter");
        }
    }

    @Test
    void adapterRunResumesExactly(@TempDir Path tmp) throws Exception {
        Path init = initModel(tmp);
        String[] lora = {"adapters.method=lora", "adapters.r=4", "adapters.lora_alpha=8", "adapters.lora_dropout=0.1",
                "adapters.target_modules=[q, v, wo]"};
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        new Trainer(TrainConfig.load(null, run(a, init, 4, lora)), TrainerTest.QUIET).run(false);
        Trainer first = new Trainer(TrainConfig.load(null, run(b, init, 4, lora)), TrainerTest.QUIET);
        first.stopAfterStep(3);
        first.run(false);
        new Trainer(TrainConfig.load(null, run(b, init, 4, lora)), TrainerTest.QUIET).run(true);
        assertEquals(TrainerTest.losses(a), TrainerTest.losses(b), "same losses, bit for bit");
        assertTrue(Files.readString(a.resolve("adapter/adapter_config.json")).contains("\"peft_type\""),
                "LoRA runs save PEFT folders");
    }
}
