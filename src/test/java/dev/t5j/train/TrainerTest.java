package dev.t5j.train;

import dev.t5j.run.MetricsLog;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /**
     * A tiny run: short reverse sequences, dropout on (so the RNG matters for exact resume), checkpoint every 2 steps.
     */
    static List<String> tiny(Path out, long steps) {
        return new ArrayList<>(List.of("out=" + out, "model.preset=tiny", "model.dropout=0.1",
                "data.task=synth_reverse",
                "data.synth_length=[4,8]", "data.synth_pool=68", "data.inputs_length=16", "data.targets_length=12",
                "data.batch_size=8", "train.steps=" + steps, "train.threads=1", "eval.examples=8",
                        "eval.max_new_tokens=12",
                "checkpoint.every=2", "checkpoint.keep=2", "optimizer.name=adafactor", "schedule.lr=0.01"));
    }

    static List<Double> losses(Path run) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> r : MetricsLog.read(run.resolve("metrics.jsonl")))
            if (r.containsKey("loss")) out.add(((Number) r.get("loss")).doubleValue());
        return out;
    }

    @Test
    void runWritesConfigMetricsCheckpointsModelAndReport(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Trainer.Result r = new Trainer(TrainConfig.load(null, tiny(run, 4)), QUIET).run(false);
        assertEquals(4, r.steps());
        for (String f : List.of("config.yaml", "metrics.jsonl", "report.html", "model/config.json",
                "model/model.safetensors"))
            assertTrue(Files.exists(run.resolve(f)), f);
        assertEquals(List.of("step_00000002", "step_00000004"),
                new RunCheckpoints(run).list().stream().map(p -> p.getFileName().toString()).toList());
        assertTrue(Files.isRegularFile(new RunCheckpoints(run).latest().resolve(RunCheckpoints.OPTIMIZER_FILE)));
        assertEquals(4, losses(run).size());
        assertEquals(1, r.eval().size());
        assertTrue(r.eval().get(0).metrics().containsKey("exact_match_ids"));
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("synth_reverse"));
        UserError again = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, tiny(run, 4)),
                QUIET).run(false));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
    }

    @Test
    void interruptedAndResumedRunReproducesLossesStepByStep(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        new Trainer(TrainConfig.load(null, tiny(a, 6)), QUIET).run(false);
        Trainer first = new Trainer(TrainConfig.load(null, tiny(b, 6)), QUIET);
        first.stopAfterStep(3); // dies after step 3; the last checkpoint is step 2
        first.run(false);
        assertEquals(3, losses(b).size());
        new Trainer(TrainConfig.load(null, tiny(b, 6)), QUIET).run(true);
        List<Double> want = losses(a), got = losses(b);
        assertEquals(6, got.size(), "resume drops the records after the checkpoint, so no step is logged twice");
        assertEquals(want, got, "same losses, bit for bit, step by step");
    }

    /** kill -9 of a real training process, then resume: the same losses as an uninterrupted run. */
    @Test
    void killMinus9ThenResumeMatchesUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        List<String> argsA = tiny(a, 8);
        new Trainer(TrainConfig.load(null, argsA), QUIET).run(false);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.t5j.cli.T5jCli", "train"));
        for (String s : tiny(b, 1_000_000)) { cmd.add("--set"); cmd.add(s); }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        Path ckpt = b.resolve("checkpoints").resolve(RunCheckpoints.stepName(4));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(ckpt), "child reached step 4: " + Files.readString(tmp.resolve("child.log")));
        // two writers, one run: a resume started while the child still trains is refused, naming the child
        UserError busy = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, tiny(b, 8)),
                QUIET).run(true));
        assertTrue(busy.getMessage().contains("pid " + p.pid()), busy.getMessage());
        p.destroyForcibly().waitFor(); // SIGKILL, possibly in the middle of writing the next checkpoint
        List<String> resume = tiny(b, 8);
        new Trainer(TrainConfig.load(null, resume), QUIET).run(true);
        assertEquals(losses(a), losses(b));
    }

    @Test
    void badConfigAndMismatchedVocabularyFailBeforeTraining(@TempDir Path tmp) throws Exception {
        UserError e = assertThrows(UserError.class, () -> TrainConfig.load(null, List.of("train.stepz=3")));
        assertTrue(e.getMessage().contains("train.stepz") && e.getMessage().contains("steps"), e.getMessage());
        Path cfg = tmp.resolve("run.yaml");
        Files.writeString(cfg, "train:\n  steps: many\n");
        UserError e2 = assertThrows(UserError.class, () -> TrainConfig.load(cfg, List.of()));
        assertTrue(e2.getMessage().contains("train.steps") && e2.getMessage().contains("run.yaml"), e2.getMessage());
        List<String> small = tiny(tmp.resolve("v"), 2);
        small.add("model.vocab_size=100");
        UserError e3 = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, small),
                QUIET).run(false));
        assertTrue(e3.getMessage().contains("vocabulary"), e3.getMessage());
    }

    @Test
    void nonFiniteLossStopsNamingTheStepAndKeepsTheLastCheckpoint(@TempDir Path tmp) throws Exception {
        List<String> o = tiny(tmp.resolve("nan"), 6);
        o.add("loss.normalize=1e-300"); // gradients overflow to inf at once
        o.add("optimizer.clip_grad_norm=0");
        UserError e = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, o), QUIET).run(false));
        assertTrue(e.getMessage().startsWith("step 1:"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint"), e.getMessage());
    }
}
