package dev.t5j.train;

import dev.t5j.common.UserError;
import dev.t5j.optim.OptimizerName;
import dev.t5j.optim.Schedule;
import dev.t5j.run.RunCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run config is refused before anything runs when a value is wrong, and a resume cannot change the run. */
class RunConfigChecksTest {
    static final PrintStream QUIET = TrainerTest.QUIET;

    static String error(Runnable r) {
        return assertThrows(UserError.class, r::run).getMessage();
    }

    @Test
    void typedKeysNameTheirAllowedValuesAndOldSpellingsStillWork() {
        String e = error(() -> TrainConfig.load(null, List.of("schedule.kind=cosin")));
        assertTrue(e.contains("schedule.kind") && e.contains("constant, rsqrt, linear, cosine"), e);
        e = error(() -> TrainConfig.load(null, List.of("optimizer.name=adam")));
        assertTrue(e.contains("optimizer.name") && e.contains("adafactor, adamw"), e);
        e = error(() -> TrainConfig.load(null, List.of("loss.normalize=mean")));
        assertTrue(e.contains("loss.normalize") && e.contains("tokens, sum, or a positive number"), e);
        TrainConfig c = TrainConfig.load(null, List.of("schedule.kind=Cosine", "schedule.warmup=1",
                "optimizer.name=ADAFACTOR",
                "loss.normalize=233472"));
        assertEquals(Schedule.Kind.COSINE, c.schedule().kind());
        assertEquals(OptimizerName.ADAFACTOR, c.optimizer().name());
        assertEquals(233472.0, c.loss().normalize().divisor(10));
        assertTrue(c.toYaml().contains("kind: \"cosine\"") || c.toYaml().contains("kind: cosine"), c.toYaml());
    }

    @Test
    void adafactorBeta1IsNeverRewritten() {
        assertEquals(0.0, TrainConfig.load(null, List.of("optimizer.name=adafactor")).optimizer().beta1(),
                "unset: t5x's Adafactor default, no momentum");
        assertEquals(0.9, TrainConfig.load(null, List.of("optimizer.name=adamw")).optimizer().beta1());
        assertEquals(0.9, TrainConfig.load(null, List.of("optimizer.name=adafactor",
                "optimizer.beta1=0.9")).optimizer().beta1(),
                "a value the user set is the value used");
        String e = error(() -> TrainConfig.load(null, List.of("optimizer.beta1=1.0")));
        assertTrue(e.contains("optimizer.beta1"), e);
    }

    @Test
    void badValuesAreRefusedNamingTheKey(@TempDir Path tmp) throws Exception {
        String e = error(() -> TrainConfig.load(null, List.of("data.batch_size=8.5")));
        assertTrue(e.contains("data.batch_size") && e.contains("8.5"), e);
        e = error(() -> TrainConfig.load(null, List.of("eval.every=-5")));
        assertTrue(e.contains("eval.every"), e);
        e = error(() -> TrainConfig.load(null, List.of("eval.max_new_tokens=1000000000")));
        assertTrue(e.contains("eval.max_new_tokens"), e);
        Path dup = Files.writeString(tmp.resolve("dup.yaml"), "train:\n  steps: 10\n  steps: 20\n");
        e = error(() -> TrainConfig.load(dup, List.of()));
        assertTrue(e.contains("dup.yaml") && e.contains("steps"), e);
    }

    @Test
    void evaluationSettingsAreCheckedBeforeStepOne(@TempDir Path tmp) {
        List<String> split = TrainerTest.tiny(tmp.resolve("split"), 2);
        split.add("eval.split=test");
        String e = error(() -> run(split));
        assertTrue(e.contains("eval.split") && e.contains("test") && e.contains("validation"), e);
        assertFalse(Files.exists(tmp.resolve("split")), "a failed start leaves no run directory");

        List<String> best = TrainerTest.tiny(tmp.resolve("best"), 2);
        best.add("checkpoint.best_metric=eval/synth_reverse/exact_match_idz");
        e = error(() -> run(best));
        assertTrue(e.contains("checkpoint.best_metric") && e.contains("eval/synth_reverse/exact_match_ids"), e);

        List<String> preset = TrainerTest.tiny(tmp.resolve("preset"), 2);
        preset.add("model.preset=no-such-preset");
        assertThrows(UserError.class, () -> run(preset));
        assertFalse(Files.exists(tmp.resolve("preset")), "a failed start leaves no run directory");
    }

    static void run(List<String> overrides) {
        try {
            new Trainer(TrainConfig.load(null, overrides), QUIET).run(false);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void resumeReadsTheRunsConfigAndRefusesChangesToModelDataOrOptimizer(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        TrainConfig original = TrainConfig.load(null, List.of("out=" + run, "model.preset=quickstart",
                "data.batch_size=4",
                "train.steps=8"));
        Path saved = Files.writeString(run.resolve("config.yaml"), original.toYaml());
        TrainConfig same = TrainConfig.loadForResume(saved, null, List.of("out=" + run), QUIET);
        assertEquals(original, same, "without --config the run's own config, not the built-in defaults");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainConfig longer = TrainConfig.loadForResume(saved, null, List.of("train.steps=16", "eval.every=4"),
                new PrintStream(log, true));
        assertEquals(16, longer.train().steps());
        assertTrue(log.toString().contains("train.steps 8 -> 16") && log.toString().contains("eval.every"),
                log.toString());

        String e = error(() -> TrainConfig.loadForResume(saved, null, List.of("model.preset=t5-small",
                "data.batch_size=8",
                "schedule.lr=0.1"), QUIET));
        assertTrue(e.contains("model.preset") && e.contains("data.batch_size") && e.contains("schedule.lr")
                && e.contains("train.steps"), e);
    }

    @Test
    void aTrainerStateWithWrongTypesIsRefusedNamingFileAndField(@TempDir Path tmp) throws Exception {
        Path ckpt = Files.createDirectories(tmp.resolve("step_00000002"));
        Files.writeString(ckpt.resolve(RunCheckpoints.STATE_FILE),
                "{\"format_version\": 1, \"step\": \"x\", \"optimizer_steps\": 2}");
        String e = error(() -> RunCheckpoints.readState(ckpt));
        assertTrue(e.contains(RunCheckpoints.STATE_FILE) && e.contains("'step'") && e.contains("\"x\""), e);
        Files.writeString(ckpt.resolve(RunCheckpoints.STATE_FILE),
                "{\"format_version\": 1, \"step\": 2, \"optimizer_steps\": 2, \"metrics\": {\"loss\": \"low\"}}");
        e = error(() -> RunCheckpoints.readState(ckpt));
        assertTrue(e.contains("metrics.loss"), e);
        Files.writeString(ckpt.resolve(RunCheckpoints.STATE_FILE),
                "{\"format_version\": 1, \"step\": 2, \"optimizer_steps\": 2, \"data_examples\": 1.5, "
                        + "\"data_rows_into_window\": 0}");
        e = error(() -> RunCheckpoints.readState(ckpt).longField("data_examples"));
        assertTrue(e.contains("'data_examples'"), e);
    }
}
