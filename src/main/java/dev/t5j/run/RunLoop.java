package dev.t5j.run;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.DirectoryLock;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Torch;
import dev.t5j.optim.GradientClipping;
import dev.t5j.optim.Optimizer;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one training loop every trainer runs in. A {@link RunTask} supplies the model, data, optimizer, the step's
 * forward/backward pass and the evaluation; the loop owns the rest:
 * <ul>
 *   <li>the run directory: one writer ({@link DirectoryLock}), refusal to overwrite a previous run without
 *       {@code --resume}, leftovers of killed writers removed, no directory left behind by a failed start;</li>
 *   <li>{@code config.yaml} (the resolved config), {@code metrics.jsonl} (resumed: records after the checkpoint are
 *       dropped), progress with rate and ETA of this process's steps, the final report;</li>
 *   <li>per step: dropout seed from (seed, step), gradient all-reduce ({@link Replicas}), global-norm clipping, the
 *       stop on a non-finite loss or gradient norm (naming the last good checkpoint), the optimizer step at the
 *       schedule's learning rate;</li>
 *   <li>eval and checkpoint cadence, keep-last-K and best-by-metric, and exact resume: model and trainer fields
 *       (data position) by the task, optimizer state and step here, dropout by the step seed.</li>
 * </ul>
 */
public final class RunLoop {
    /** How a run is driven; {@link #of} gives the defaults, the {@code with...} methods change one setting. */
    public record Options(Path runDir, String configYaml, long steps, long seed, int logEvery, long evalEvery,
                          long checkpointEvery, int keep, String bestMetric, double clipGradNorm,
                                  boolean checkpointAtEnd,
                          boolean progress, Replicas replicas) {
        public static Options of(Path runDir, String configYaml, long steps) {
            return new Options(runDir, configYaml, steps, 0, 1, 0, 0, 2, null, 1.0, true, true, Replicas.SINGLE);
        }

        public Options withSeed(long v) {
            return new Options(runDir, configYaml, steps, v, logEvery, evalEvery, checkpointEvery, keep, bestMetric,
                    clipGradNorm, checkpointAtEnd, progress, replicas);
        }

        /** Log averaged step metrics every {@code v} steps (and after the last). */
        public Options withLogEvery(int v) {
            return new Options(runDir, configYaml, steps, seed, v, evalEvery, checkpointEvery, keep, bestMetric,
                    clipGradNorm, checkpointAtEnd, progress, replicas);
        }

        /** Evaluate every {@code v} steps (0 = only at the end). */
        public Options withEvalEvery(long v) {
            return new Options(runDir, configYaml, steps, seed, logEvery, v, checkpointEvery, keep, bestMetric,
                    clipGradNorm, checkpointAtEnd, progress, replicas);
        }

        /** Checkpoint every {@code every} steps (0 = never during the run), keeping the newest {@code keep}. */
        public Options withCheckpoints(long every, int keepLast, String best, boolean atEnd) {
            return new Options(runDir, configYaml, steps, seed, logEvery, evalEvery, every, keepLast, best,
                    clipGradNorm, atEnd, progress, replicas);
        }

        public Options withClipGradNorm(double v) {
            return new Options(runDir, configYaml, steps, seed, logEvery, evalEvery, checkpointEvery, keep, bestMetric,
                    v, checkpointAtEnd, progress, replicas);
        }

        public Options withProgress(boolean v) {
            return new Options(runDir, configYaml, steps, seed, logEvery, evalEvery, checkpointEvery, keep, bestMetric,
                    clipGradNorm, checkpointAtEnd, v, replicas);
        }

        public Options withReplicas(Replicas v) {
            return new Options(runDir, configYaml, steps, seed, logEvery, evalEvery, checkpointEvery, keep, bestMetric,
                    clipGradNorm, checkpointAtEnd, progress, v);
        }
    }

    /** What a run leaves: steps done, the last training loss and the final evaluation ({@code eval/...} keys). */
    public record Result(Path runDir, long steps, double finalLoss, Map<String, Double> finalMetrics) {}

    private final Options o;
    private final PrintStream log;
    /** Test hook: return (as if killed) after this step; ≤ 0 = never. */
    private long stopAfterStep;
    private double best = Double.NEGATIVE_INFINITY;

    public RunLoop(Options o, PrintStream log) {
        if (o.logEvery() < 1 || o.keep() < 1 || o.evalEvery() < 0 || o.checkpointEvery() < 0 || o.steps() < 0)
            throw new IllegalArgumentException("bad run loop options " + o);
        this.o = o;
        this.log = log;
    }

    /** Test hook: stop after {@code step} as if the process were killed there (the lock is released). */
    public RunLoop stopAfterStep(long step) {
        this.stopAfterStep = step;
        return this;
    }

    /**
     * Runs {@code task} to {@code steps}, from scratch or ({@code resume}) from the newest checkpoint of the run
     * directory. Closes the task.
     */
    public Result run(RunTask task, boolean resume) throws IOException {
        Path runDir = o.runDir();
        boolean existed = Files.exists(runDir);
        boolean writer = o.replicas().writes();
        try (DirectoryLock lock = writer ? DirectoryLock.acquire(runDir, "run directory") : null; RunTask t = task) {
            boolean stepped = false;
            try {
                RunCheckpoints ckpts = new RunCheckpoints(runDir);
                if (writer) removeLeftovers(runDir, ckpts);
                Path latest = resume ? ckpts.latest() : null;
                if (resume && latest == null) log.println("t5j: no checkpoint in " + ckpts.dir()
                        + "; starting from scratch");
                if (!resume && (Files.exists(runDir.resolve(MetricsLog.FILE_NAME)) || !ckpts.list().isEmpty()))
                    throw new UserError(runDir
                            + ": holds a previous run; pass --resume to continue it or choose another 'out'");
                RunCheckpoints.Saved from = latest == null ? null : new RunCheckpoints.Saved(latest,
                        RunCheckpoints.readState(latest));
                task.open(from);
                if (from != null) RunCheckpoints.loadOptimizer(from.dir(), task.training().optimizer());
                // inputs are valid: the resolved config goes into the run directory before anything else is written
                if (writer) AtomicFiles.writeString(runDir.resolve("config.yaml"), o.configYaml());
                long step = from == null ? 0 : from.state().step();
                if (from != null) best = from.state().metrics().getOrDefault("best", Double.NEGATIVE_INFINITY);
                try (MetricsLog metrics = !writer ? null
                        : from == null ? new MetricsLog(runDir) : MetricsLog.resume(runDir, step)) {
                    stepped = true; // a metrics log exists now: the directory holds a run, keep it whatever happens
                    if (from != null) log.println("t5j: resumed " + runDir + " at step " + step + " from "
                            + from.dir().getFileName());
                    log.println(task.describe());
                    return loop(task, ckpts, metrics, step);
                }
            } catch (IOException | RuntimeException | Error e) {
                // a failed start leaves nothing behind
                if (!existed && !stepped && writer) AtomicFiles.deleteRecursively(runDir);
                throw e;
            }
        }
    }

    private Result loop(RunTask task, RunCheckpoints ckpts, MetricsLog metrics, long step) throws IOException {
        Window window = new Window();
        double lastLoss = Double.NaN;
        long loopStart = System.nanoTime(); // the total a T5J_PROFILE=1 profile's shares refer to
        try (Progress bar = new Progress("train", o.steps(), "steps", System.err,
                o.progress() && o.steps() > 0 && !Boolean.getBoolean("t5j.quiet"))) {
            bar.resumeAt(step);
            while (step < o.steps()) {
                long t0 = System.nanoTime();
                Map<String, Object> pre = task.beforeStep(step);
                if (pre != null) log(metrics, pre);
                // dropout masks depend on (seed, step) only; other replicas mix in their rank (their rows are others)
                long stepSeed = StepSeeds.mix(o.seed(), step);
                int rank = o.replicas().rank();
                Torch.seed(rank == 0 ? stepSeed : StepSeeds.mix(stepSeed, rank));
                RunTask.StepOutput out = task.forwardBackward(step);
                RunTask.Training training = task.training();
                Collection<Tensor> params = training.trainableParameters();
                o.replicas().allReduceGradients(params);
                double norm = GradientClipping.clip(params, o.clipGradNorm());
                double loss = out.loss();
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) throw nonFinite(ckpts, step, loss, norm);
                double lr = training.schedule().at(step);
                long o0 = Profiler.start();
                training.optimizer().step(lr);
                Profiler.stop(Profiler.Kind.OPTIMIZER, o0);
                step++;
                lastLoss = loss;
                double sec = (System.nanoTime() - t0) / 1e9;
                window.add(out.losses());
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("step", step);
                if (step % o.logEvery() == 0 || step == o.steps()) {
                    rec.putAll(window.means());
                    rec.put("lr", lr);
                    rec.put("grad_norm", norm);
                    if (out.tokens() > 0) {
                        rec.put("tokens_per_sec", out.tokens() / sec);
                        rec.put("data_frac", out.dataSeconds() / sec);
                    }
                }
                if (o.evalEvery() > 0 && step % o.evalEvery() == 0 && step < o.steps()) rec.putAll(task.evaluate(step,
                        false));
                if (rec.size() > 1) log(metrics, rec);
                bar.setExtra(String.format(Locale.ROOT, "loss %.4f lr %.2e", loss, lr)
                        + (out.tokens() > 0 ? String.format(Locale.ROOT, " %.0f tok/s", out.tokens() / sec) : ""));
                bar.step(1);
                if (o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0 && step < o.steps())
                    checkpoint(task, ckpts, step, rec);
                if (stopAfterStep > 0 && step >= stopAfterStep) return new Result(o.runDir(), step, lastLoss, Map.of());
            }
        }
        Profiler.print(log, "training loop (steps, in-loop eval, checkpoints), T5J_PROFILE=1",
                (System.nanoTime() - loopStart) / 1e6);
        Map<String, Double> fin = task.evaluate(step, true);
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.putAll(fin);
        if (!fin.isEmpty()) log(metrics, rec);
        if (o.checkpointAtEnd() && o.steps() > 0) checkpoint(task, ckpts, step, rec);
        if (o.replicas().writes()) {
            task.saveFinal(o.runDir());
            Map<String, Double> report = new LinkedHashMap<>();
            fin.forEach((k, v) -> report.put(k.startsWith("eval/") ? k.substring(5) : k, v));
            RunReport.write(o.runDir(), MetricsLog.read(o.runDir().resolve(MetricsLog.FILE_NAME)), report,
                    o.configYaml());
        }
        return new Result(o.runDir(), step, lastLoss, fin);
    }

    private void log(MetricsLog metrics, Map<String, ?> rec) throws IOException {
        if (metrics != null) metrics.log(rec);
    }

    private UserError nonFinite(RunCheckpoints ckpts, long step, double loss, double norm) throws IOException {
        Path last = ckpts.latest();
        return new UserError(String.format(Locale.ROOT, "step %d: %s is %s; stopping. The last good checkpoint is %s",
                step + 1, Double.isFinite(loss) ? "the gradient norm" : "the loss", Double.isFinite(loss) ? norm : loss,
                last == null ? "none (no checkpoint was written yet)" : last.toString()));
    }

    private void checkpoint(RunTask task, RunCheckpoints ckpts, long step, Map<String, Object> rec) throws IOException {
        task.beforeCheckpoint(step); // every replica
        if (!o.replicas().writes()) return;
        Map<String, Double> m = new LinkedHashMap<>();
        rec.forEach((k, v) -> {
            if (v instanceof Number n) m.put(k, n.doubleValue());
        });
        String bestKey = o.bestMetric();
        boolean isBest = bestKey != null && m.containsKey(bestKey) && m.get(bestKey) > best;
        if (isBest) best = m.get(bestKey);
        m.put("best", best);
        Map<String, Object> fields = task.checkpointFields();
        Optimizer opt = task.training().optimizer();
        ckpts.save(step, opt, fields, m, task::writeCheckpoint);
        ckpts.prune(o.keep());
        if (isBest) ckpts.saveBest(step, opt, fields, m, task::writeCheckpoint);
    }

    /**
     * Temporary files and directories of writers that died (kill -9 during a checkpoint or a model save): the lock
     * is ours, so none of them is being written.
     */
    static void removeLeftovers(Path runDir, RunCheckpoints ckpts) throws IOException {
        List<Path> dead = new ArrayList<>(ckpts.leftovers());
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> s = Files.list(runDir)) {
                s.filter(p -> p.getFileName().toString()
                                .matches("\\.(config\\.yaml|metrics\\.jsonl|report\\.html|model)\\..+"))
                        .forEach(dead::add);
            }
        }
        for (Path p : dead) AtomicFiles.deleteRecursively(p);
    }

    /** Per-step values averaged over the steps since the last log line. */
    private static final class Window {
        private final Map<String, Double> sums = new LinkedHashMap<>();
        private Map<String, Double> last = Map.of();
        private int n;

        void add(Map<String, Double> losses) {
            losses.forEach((k, v) -> sums.merge(k, v, Double::sum));
            last = losses;
            n++;
        }

        /** Keys of the newest step, each averaged over the window (steps without the key count as 0, as Atlas). */
        Map<String, Double> means() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String k : last.keySet()) m.put(k, sums.get(k) / n);
            sums.clear();
            n = 0;
            return m;
        }
    }
}
