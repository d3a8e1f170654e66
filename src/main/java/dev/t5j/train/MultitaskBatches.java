package dev.t5j.train;

import dev.t5j.common.UserError;
import dev.t5j.data.Batch;
import dev.t5j.data.EncDecFeatureConverter;
import dev.t5j.data.MultitaskSampler;
import dev.t5j.data.Packing;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import dev.t5j.data.TrainingBatches;
import dev.t5j.run.RunCheckpoints;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multitask training batches as ruse/HyperFormer draw them (reference B.4, issue 12 item 6): each batch picks ONE task
 * from {@link MultitaskSampler} (probability ∝ n_i^(1/T), seeded by (seed, epoch)) and is built from that task's own
 * training stream only, so the trainer can select that task's adapter or task embedding for the step. The examples
 * come in order from each task's shuffled, endless stream (not the sampler's with-replacement indices), so a resume
 * point is the number of draws plus one {@link Packing.Position} per task: {@link #fields()} and {@link #open}.
 */
final class MultitaskBatches implements AutoCloseable {
    /** One drawn batch and the task it came from. */
    record Drawn(String task, Batch batch) {}

    private final List<Task> tasks;
    private final MultitaskSampler sampler;
    private final List<TrainingBatches> streams = new ArrayList<>();
    private final Packing.Position[] positions;
    private long draws;
    private int cachedEpoch = -1;
    private List<MultitaskSampler.TaskBatch> epochDraws;

    private MultitaskBatches(List<Task> tasks, MultitaskSampler sampler, long draws, Packing.Position[] positions) {
        this.tasks = tasks;
        this.sampler = sampler;
        this.draws = draws;
        this.positions = positions;
    }

    /** The sampler a run over {@code tasks} draws from (one process, rank 0). */
    static MultitaskSampler sampler(List<Task> tasks, ReadOptions train, int rows, double temperature, long seed) {
        long[] sizes = new long[tasks.size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = tasks.get(i).numTrainExamples(train);
        return new MultitaskSampler(sizes, rows, temperature, 1, 0, seed);
    }

    /** Opens the streams at the resume point saved in {@code from} (null: the start). */
    static MultitaskBatches open(List<Task> tasks, ReadOptions train, EncDecFeatureConverter conv, int rows,
                                 double temperature, long seed, RunCheckpoints.State from) {
        MultitaskSampler s = sampler(tasks, train, rows, temperature, seed);
        Packing.Position[] pos = new Packing.Position[tasks.size()];
        for (int i = 0; i < pos.length; i++) {
            String k = key(tasks.get(i));
            pos[i] = from == null ? Packing.Position.START : new Packing.Position(from.longField(k + "_examples"),
                    (int) from.longField(k + "_rows_into_window"));
        }
        MultitaskBatches m = new MultitaskBatches(tasks, s, from == null ? 0 : from.longField("task_draws"), pos);
        try {
            for (int i = 0; i < pos.length; i++)
                m.streams.add(TrainingBatches.open(tasks.get(i), train, conv, rows, false, 1, 0, pos[i]));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private static String key(Task t) {
        return "task_" + t.name();
    }

    /** The next batch: the sampler's next task, then that task's next rows. */
    Drawn next(long step) {
        int perEpoch = sampler.batchesPerEpoch();
        int epoch = (int) (draws / perEpoch);
        if (epoch != cachedEpoch) {
            epochDraws = sampler.epoch(epoch);
            cachedEpoch = epoch;
        }
        int t = epochDraws.get((int) (draws % perEpoch)).task();
        TrainingBatches b = streams.get(t);
        if (!b.hasNext())
            throw new UserError(tasks.get(t).name() + ": the training data ran out at step " + step);
        Batch batch = b.next();
        positions[t] = b.position();
        draws++;
        return new Drawn(tasks.get(t).name(), batch);
    }

    /** The resume point for trainer_state.json: draws so far and each task's stream position. */
    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("task_draws", draws);
        for (int i = 0; i < positions.length; i++) {
            f.put(key(tasks.get(i)) + "_examples", positions[i].examples());
            f.put(key(tasks.get(i)) + "_rows_into_window", positions[i].rowsIntoWindow());
        }
        return f;
    }

    @Override
    public void close() {
        for (TrainingBatches b : streams) b.close();
    }
}
