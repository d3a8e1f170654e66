package dev.t5j.run;

import org.bytedeco.pytorch.Tensor;

import java.util.Collection;

/**
 * The processes of one data-parallel run, as the run loop sees them: each reads its own shard of the data, computes
 * gradients on it, and before the optimizer step the gradients are averaged over all replicas, so every replica
 * applies the same update. Only the writer (rank 0) writes the run directory (config, metrics, checkpoints, model,
 * report); the others only train. {@link #SINGLE} is the one-process run every trainer uses today; a multi-process
 * implementation (e.g. over torch.distributed or MPI) plugs in here without touching any trainer.
 */
public interface Replicas {
    /** This process's index in [0, {@link #world()}). */
    int rank();

    /** Number of replicas. */
    int world();

    /** Averages every parameter's gradient over the replicas, in place (a no-op for one process). */
    void allReduceGradients(Collection<Tensor> parameters);

    /** Whether this replica writes the run directory. */
    default boolean writes() {
        return rank() == 0;
    }

    /** One process: nothing to exchange. */
    Replicas SINGLE = new Replicas() {
        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int world() {
            return 1;
        }

        @Override
        public void allReduceGradients(Collection<Tensor> parameters) {}
    };
}
