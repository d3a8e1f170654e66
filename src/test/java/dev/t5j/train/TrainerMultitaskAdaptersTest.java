package dev.t5j.train;

import dev.t5j.adapters.AdapterTraining;
import dev.t5j.common.UserError;
import dev.t5j.data.MultitaskSampler;
import dev.t5j.data.Task;
import dev.t5j.data.tasks.DataSetup;
import dev.t5j.eval.Evaluator;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-task adapters on a mixture (issue 12 item 6): one run trains every task's adapter, each batch from the one task
 * HyperFormer's sampler draws, with that task's adapter selected; the base stays bit-identical; resume is exact.
 */
class TrainerMultitaskAdaptersTest {
    private static final int STEPS = 10; // 8 batches per epoch at batch size 8: the run crosses into epoch 1

    static List<String> config(Path tmp, Path out, Path init) throws Exception {
        Path mix = tmp.resolve("mix.yaml");
        if (!Files.exists(mix)) Files.writeString(mix, """
                mixtures:
                  - name: rte_cola
                    default_rate: 1.0
                    tasks: [rte, cola]
                """);
        return new ArrayList<>(List.of("out=" + out, "model.preset=null", "model.init_from=" + init,
                "data.task=rte_cola", "data.task_files=[" + mix + "]", "data.data_dir=src/test/resources/data",
                "data.inputs_length=64", "data.targets_length=4", "data.batch_size=8",
                "data.task_sampling.temperature=2", "train.steps=" + STEPS, "train.threads=1", "eval.examples=0",
                "checkpoint.every=2", "checkpoint.keep=2", "optimizer.name=adafactor", "schedule.lr=0.01",
                "adapters.method=adapter", "adapters.tasks=[rte, cola]", "adapters.reduction_factor=8"));
    }

    @Test
    void oneRunTrainsEveryTasksAdapterInTheSamplersOrder(@TempDir Path tmp) throws Exception {
        Path init = TrainerAdaptersTest.initModel(tmp);
        Path run = tmp.resolve("run");
        TrainConfig cfg = TrainConfig.load(null, config(tmp, run, init));
        Trainer t = new Trainer(cfg, TrainerTest.QUIET);
        t.run(false);

        // The task of every step is MultitaskSampler's draw for (seed, epoch), epoch 0 then epoch 1.
        List<Task> tasks = Evaluator.tasksOf(DataSetup.of(cfg.data().spec()).provider("data.task", "rte_cola"),
                cfg.data().trainOptions(cfg.train().seed()));
        long[] sizes = new long[tasks.size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = tasks.get(i).numTrainExamples(
                cfg.data().trainOptions(cfg.train().seed()));
        MultitaskSampler s = new MultitaskSampler(sizes, 8, 2.0, 1, 0, cfg.train().seed());
        List<String> expected = new ArrayList<>();
        for (int e = 0; expected.size() < STEPS; e++)
            for (MultitaskSampler.TaskBatch b : s.epoch(e)) expected.add(tasks.get(b.task()).name());
        assertEquals(expected.subList(0, STEPS), t.stepTasks());
        assertTrue(t.stepTasks().containsAll(List.of("rte", "cola")), "both tasks drawn: " + t.stepTasks());

        assertEquals(List.of(), TrainerAdaptersTest.changed(init, run.resolve("model")), "base bit-identical");
        // The adapters as the run started them (same seed, same init), against the trained ones.
        Path fresh = tmp.resolve("fresh");
        try (T5ForConditionalGeneration m = Checkpoint.load(init);
             AdapterTraining a = AdapterTraining.setUp(m, cfg.adapters(), "config", null, "rte", cfg.train().seed())) {
            a.save(fresh);
        }
        List<String> moved = new ArrayList<>();
        try (SafetensorsReader a = SafetensorsReader.open(fresh.resolve("adapter_model.safetensors"));
             SafetensorsReader b = SafetensorsReader.open(run.resolve("adapter/adapter_model.safetensors"))) {
            for (String n : a.names())
                if (!Arrays.equals(a.get(n).toFloatArray(), b.get(n).toFloatArray())) moved.add(n);
        }
        for (String task : List.of("rte", "cola"))
            assertTrue(moved.stream().anyMatch(n -> n.contains(".adapters." + task + ".")),
                    task + "'s adapter trained");
        assertFalse(moved.isEmpty());
    }

    @Test
    void aMixtureTaskWithoutAnAdapterIsAUserError(@TempDir Path tmp) throws Exception {
        Path init = TrainerAdaptersTest.initModel(tmp);
        List<String> c = config(tmp, tmp.resolve("run"), init);
        c.add("adapters.tasks=[rte]");
        UserError e = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, c), TrainerTest.QUIET)
                .run(false));
        assertTrue(e.getMessage().contains("adapters.tasks: task 'cola' of mixture 'rte_cola' has no adapter"),
                e.getMessage());
    }

    @Test
    void interruptedRunResumesWithTheSameLossesStepByStep(@TempDir Path tmp) throws Exception {
        Path init = TrainerAdaptersTest.initModel(tmp);
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        new Trainer(TrainConfig.load(null, config(tmp, a, init)), TrainerTest.QUIET).run(false);
        Trainer first = new Trainer(TrainConfig.load(null, config(tmp, b, init)), TrainerTest.QUIET);
        first.stopAfterStep(6);
        first.run(false);
        String state = Files.readString(b.resolve("checkpoints/step_00000006/trainer_state.json"));
        assertTrue(state.contains("\"task_draws\"") && state.contains("\"task_cola_examples\""), state);
        Trainer resumed = new Trainer(TrainConfig.load(null, config(tmp, b, init)), TrainerTest.QUIET);
        resumed.run(true);
        assertEquals(TrainerTest.losses(a), TrainerTest.losses(b), "same losses, bit for bit");
        assertEquals(STEPS, TrainerTest.losses(a).size());
        assertEquals(STEPS - 6, resumed.stepTasks().size());
    }
}
