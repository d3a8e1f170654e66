package dev.t5j.run;

import dev.t5j.optim.Optimizer;
import dev.t5j.optim.Schedule;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * What a trainer supplies to the {@link RunLoop}: its model, data and optimizer, one step's forward and backward pass,
 * and its evaluation. Everything else (run directory, config.yaml, metrics log, progress, the non-finite stop,
 * clipping and the optimizer step, eval and checkpoint cadence, keep-last-K/best, exact resume, the report) is the
 * loop's.
 *
 * <p>Call order: {@link #open}, then per step {@link #beforeStep} and {@link #forwardBackward}; {@link #evaluate} on
 * the eval cadence and at the end; {@link #writeCheckpoint}/{@link #checkpointFields} on the checkpoint cadence;
 * {@link #saveFinal} once; {@link #close} always.
 */
public interface RunTask extends AutoCloseable {
    /**
     * Builds the model, data and optimizer. {@code from} (null = a fresh run) is the checkpoint to continue: the model
     * comes from its files and the data position from its state fields; the loop restores the optimizer state.
     */
    void open(RunCheckpoints.Saved from) throws IOException;

    /** One line saying what is trained on what, printed when the run starts. */
    String describe();

    /** What the loop updates, built by {@link #open}. */
    Training training();

    /**
     * The optimizer, the learning rate by step, and the parameters it updates: clipped together, all-reduced across
     * {@link Replicas}; a trainer that freezes part of its model (adapters) lists only the rest.
     */
    record Training(Optimizer optimizer, Schedule schedule, Collection<Tensor> trainableParameters) {}

    /** Called before the step with 0-based index {@code step}; may return a record to log (e.g. an index refresh). */
    default Map<String, Object> beforeStep(long step) throws IOException {
        return null;
    }

    /**
     * Step {@code step} (0-based) up to the gradients: read the batch, compute the loss, {@code backward()}. The loop
     * then averages gradients over replicas, clips, checks for non-finite values and applies the optimizer.
     */
    StepOutput forwardBackward(long step);

    /**
     * Evaluates the model after {@code step} steps; keys as logged ({@code eval/...}); empty when there is nothing to
     * evaluate. {@code last}: the final evaluation (a trainer may write per-example results then).
     */
    Map<String, Double> evaluate(long step, boolean last) throws IOException;

    /**
     * Called on every replica before a checkpoint after {@code step} steps (only the writer then calls
     * {@link #writeCheckpoint}): the place for collective work a checkpoint needs, e.g. every rank saving its shards
     * of a sharded passage index.
     */
    default void beforeCheckpoint(long step) throws IOException {}

    /** Writes the model (and whatever else the trainer restores from) into a checkpoint directory. */
    void writeCheckpoint(Path dir) throws IOException;

    /** The trainer's own trainer_state.json fields after the current step, e.g. its data position. */
    Map<String, Object> checkpointFields();

    /** Writes the final model into the run directory. */
    void saveFinal(Path runDir) throws IOException;

    @Override
    void close();

    /**
     * What a step measured. {@code losses} holds at least {@code "loss"} (checked for non-finite values; every
     * entry is averaged over the logging window); {@code tokens} and {@code dataSeconds} (time spent waiting for
     * input) give throughput columns when {@code tokens > 0}.
     */
    record StepOutput(Map<String, Double> losses, long tokens, double dataSeconds) {
        public double loss() {
            return losses.get("loss");
        }
    }
}
