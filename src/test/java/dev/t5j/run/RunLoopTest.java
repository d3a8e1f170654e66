package dev.t5j.run;

import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.optim.AdamW;
import dev.t5j.optim.Schedule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run loop with a one-tensor task: the hooks a trainer and a multi-process run plug into, and the run directory.
 */
class RunLoopTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** Fits w (3 values) to a target by squared error; records the order of the loop's calls. */
    static final class FitTask implements RunTask {
        final List<String> calls = new ArrayList<>();
        Tensor w;
        AdamW opt;
        boolean failOpen;
        long position;

        @Override
        public void open(RunCheckpoints.Saved from) {
            if (failOpen) throw new UserError("model.preset: 'no-such-preset' is not a preset");
            w = Tensors.keep(Tensors.floats(new float[]{0, 0, 0}, 3));
            w.set_requires_grad(true);
            if (from != null) {
                position = from.state().longField("position");
                try (NoGradGuard g = new NoGradGuard()) {
                    w.copy_(Tensors.floats(new float[]{(float) position, 0, 0}, 3));
                }
            }
            opt = new AdamW(Map.of("w", w), 0.9, 0.999, 1e-8, 0.0);
            calls.add("open");
        }

        @Override
        public String describe() {
            return "fit";
        }

        @Override
        public Training training() {
            calls.add("training");
            return new Training(opt, Schedule.constant(0.1), List.of(w));
        }

        @Override
        public StepOutput forwardBackward(long step) {
            calls.add("step " + step);
            position++;
            try (PointerScope s = new PointerScope()) {
                Tensor loss = w.sub(Tensors.floats(new float[]{1, 2, 3}, 3)).square().sum();
                loss.backward();
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", (double) loss.item_float());
                return new StepOutput(m, 0, 0);
            }
        }

        @Override
        public Map<String, Double> evaluate(long step, boolean last) {
            return Map.of("eval/score", (double) step);
        }

        @Override
        public void writeCheckpoint(Path dir) throws IOException {
            Files.writeString(dir.resolve("w.txt"), "w");
        }

        @Override
        public Map<String, Object> checkpointFields() {
            return Map.of("position", position);
        }

        @Override
        public void saveFinal(Path runDir) throws IOException {
            Files.writeString(runDir.resolve("final.txt"), "done");
        }

        @Override
        public void close() {
            if (opt != null) opt.close();
        }
    }

    /**
     * Replicas whose all-reduce records the call and zeroes the gradients (as if the other replicas cancelled them).
     */
    static final class ZeroingReplicas implements Replicas {
        final int rank;
        final List<String> calls;

        ZeroingReplicas(int rank, List<String> calls) {
            this.rank = rank;
            this.calls = calls;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int world() {
            return 2;
        }

        @Override
        public void allReduceGradients(Collection<Tensor> parameters) {
            calls.add("all-reduce");
            try (NoGradGuard g = new NoGradGuard()) {
                for (Tensor p : parameters) p.grad().zero_();
            }
        }
    }

    static RunLoop.Options options(Path run, long steps) {
        return RunLoop.Options.of(run, "fit: true\n", steps).withProgress(false);
    }

    @Test
    void gradientsAreAllReducedBeforeTheOptimizerStepAndOnlyRankZeroWrites(@TempDir Path tmp) throws Exception {
        FitTask t = new FitTask();
        new RunLoop(options(tmp.resolve("rank0"), 2).withReplicas(new ZeroingReplicas(0, t.calls)), QUIET).run(t,
                false);
        assertEquals(List.of("open", "step 0", "training", "all-reduce", "step 1", "training", "all-reduce"),
                t.calls.subList(0, 7));
        assertArrayEquals(new float[]{0, 0, 0}, Tensors.toFloats(t.w), "the all-reduced (zero) gradients were applied");
        assertTrue(Files.isRegularFile(tmp.resolve("rank0").resolve("final.txt")));

        FitTask other = new FitTask();
        Path run1 = tmp.resolve("rank1");
        new RunLoop(options(run1, 2).withCheckpoints(1, 2, null, true).withReplicas(new ZeroingReplicas(1,
                other.calls)),
                QUIET).run(other, false);
        assertFalse(Files.exists(run1), "a replica other than rank 0 writes nothing");
    }

    @Test
    void checkpointsKeepTheNewestAndTheBestAndResumeRestoresTheTasksFields(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        FitTask t = new FitTask();
        RunLoop.Options o = options(run, 6).withEvalEvery(1).withCheckpoints(1, 2, "eval/score", true);
        new RunLoop(o, QUIET).stopAfterStep(4).run(t, false);
        RunCheckpoints c = new RunCheckpoints(run);
        assertEquals(List.of(RunCheckpoints.stepName(3), RunCheckpoints.stepName(4)),
                c.list().stream().map(p -> p.getFileName().toString()).toList());
        Path best = run.resolve("checkpoints").resolve(RunCheckpoints.BEST);
        assertEquals(4.0, RunCheckpoints.readState(best).metrics().get("best"));
        FitTask resumed = new FitTask();
        RunLoop.Result r = new RunLoop(o, QUIET).run(resumed, true);
        assertEquals(6, r.steps());
        assertEquals(List.of("open", "training", "step 4"), resumed.calls.subList(0, 3), "resumed at step 4");
        assertEquals(4.0, Tensors.toFloats(resumed.w)[0], 0.2, "the task read its own field back");
        assertEquals(6,
                MetricsLog.read(run.resolve(MetricsLog.FILE_NAME)).stream().filter(m -> m.containsKey("loss")).count());
    }

    @Test
    void aFailedStartLeavesNoRunDirectoryAndLeftoversOfADeadWriterAreRemoved(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("new-run");
        FitTask bad = new FitTask();
        bad.failOpen = true;
        assertThrows(UserError.class, () -> new RunLoop(options(run, 2), QUIET).run(bad, false));
        assertFalse(Files.exists(run), "no directory left behind by a start that failed");

        Path old = Files.createDirectories(tmp.resolve("old-run"));
        Path deadCkpt = Files.createDirectories(old.resolve("checkpoints").resolve(".step_00000002.12345"));
        Files.writeString(deadCkpt.resolve("model.safetensors"), "half");
        Path deadTmp = Files.writeString(old.resolve(".config.yaml.777.tmp"), "half");
        Path mine = Files.writeString(old.resolve("notes.txt"), "user file");
        assertThrows(UserError.class, () -> new RunLoop(options(old, 2), QUIET).run(bad, false));
        assertTrue(Files.isDirectory(old) && Files.exists(mine), "an existing directory is not removed");
        new RunLoop(options(old, 2), QUIET).run(new FitTask(), false);
        assertFalse(Files.exists(deadCkpt) || Files.exists(deadTmp), "temporary files of a dead writer are removed");
        assertTrue(Files.exists(mine));
    }

    @Test
    void aResumedProgressCountsOnlyThisProcesssSteps() {
        Progress p = new Progress("train", 2_000_000, "steps", QUIET, false);
        p.resumeAt(1_000_000);
        assertEquals(0.0, p.ratePerSecond(), "no step done yet in this process");
        assertEquals(1_000_000, p.done());
        Progress fresh = new Progress("x", 10, "steps", QUIET, false);
        fresh.step(1);
        assertNotEquals(0.0, fresh.ratePerSecond());
    }
}
