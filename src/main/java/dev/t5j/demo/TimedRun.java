package dev.t5j.demo;

import dev.t5j.run.RunCheckpoints;
import dev.t5j.run.RunLoop;
import dev.t5j.run.RunTask;
import dev.t5j.train.Trainer;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A {@link Trainer} run in its own {@link RunLoop} with a clock on it, for {@code t5j adapters demo}: the time between
 * consecutive steps' starts (the whole step: batch, forward, backward, clipping, optimizer, logging), what the run
 * trains and the bytes of optimizer state it keeps, read while the trainer is still open.
 */
final class TimedRun implements RunTask {
    /** What one run measured. */
    record Figures(Path runDir, long trained, long total, long optimizerBytes, double medianStepSeconds,
                   double trainSeconds, String describe) {}

    private final Trainer trainer;
    private final List<Long> starts = new ArrayList<>();
    private long trained = -1, total = -1, optimizerBytes = -1;
    private String describe = "";

    private TimedRun(Trainer trainer) {
        this.trainer = trainer;
    }

    /** Runs {@code trainer} from scratch and returns its figures. */
    static Figures run(Trainer trainer, PrintStream log) throws IOException {
        TimedRun t = new TimedRun(trainer);
        RunLoop.Result r = new RunLoop(trainer.loopOptions(), log).run(t, false);
        int n = t.starts.size();
        double[] d = new double[Math.max(0, n - 1)];
        for (int i = 1; i < n; i++) d[i - 1] = (t.starts.get(i) - t.starts.get(i - 1)) / 1e9;
        Arrays.sort(d);
        double median = d.length == 0 ? Double.NaN : d.length % 2 == 1 ? d[d.length / 2]
                : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
        double train = n < 2 ? Double.NaN : (t.starts.get(n - 1) - t.starts.get(0)) / 1e9 * n / (n - 1);
        return new Figures(r.runDir(), t.trained, t.total, t.optimizerBytes, median, train, t.describe);
    }

    @Override
    public void open(RunCheckpoints.Saved from) throws IOException {
        trainer.open(from);
        trained = trainer.adapterTraining().trainedCount();
        total = trainer.adapterTraining().totalCount();
        describe = trainer.adapterTraining().describe();
    }

    @Override
    public String describe() {
        return trainer.describe();
    }

    @Override
    public Training training() {
        return trainer.training();
    }

    @Override
    public Map<String, Object> beforeStep(long step) throws IOException {
        starts.add(System.nanoTime());
        return trainer.beforeStep(step);
    }

    @Override
    public StepOutput forwardBackward(long step) {
        return trainer.forwardBackward(step);
    }

    @Override
    public Map<String, Double> evaluate(long step, boolean last) throws IOException {
        return trainer.evaluate(step, last);
    }

    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        trainer.writeCheckpoint(dir);
    }

    @Override
    public Map<String, Object> checkpointFields() {
        return trainer.checkpointFields();
    }

    @Override
    public void saveFinal(Path runDir) throws IOException {
        trainer.saveFinal(runDir);
    }

    @Override
    public void close() {
        if (trainer.training() != null) {
            long bytes = 0;
            for (Tensor s : trainer.training().optimizer().state().values()) bytes += s.numel() * s.element_size();
            optimizerBytes = bytes;
        }
        trainer.close();
    }
}
