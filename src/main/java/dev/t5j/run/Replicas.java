package dev.t5j.run;

import org.bytedeco.pytorch.Tensor;

import java.util.Collection;
import java.util.List;

/**
 * The processes of one data-parallel run, as the run loop sees them: each reads its own shard of the data, computes
 * gradients on it, and before the optimizer step the gradients are averaged over all replicas, so every replica
 * applies the same update. Only the writer (rank 0) writes the run directory (config, metrics, checkpoints, model,
 * report); the others only train. {@link #SINGLE} is the one-process run; a multi-process implementation (over
 * torch.distributed's c10d) plugs in here without touching any trainer.
 *
 * <p>The collectives below are what the trainers and a sharded passage index (Atlas) need beyond the gradient
 * all-reduce. Every rank must call each collective in the same order with tensors of the same shape and dtype.
 */
public interface Replicas {
    /** This process's index in [0, {@link #world()}). */
    int rank();

    /** Number of replicas. */
    int world();

    /** Averages every parameter's gradient over the replicas, in place (a no-op for one process). */
    void allReduceGradients(Collection<Tensor> parameters);

    /** Sums {@code t} over the replicas, in place (losses, metric counts). */
    default void allReduceSum(Tensor t) {
        requireSingle("allReduceSum");
    }

    /**
     * Gathers {@code t} (same shape on every rank) from every replica, in rank order; element r is rank r's tensor.
     * For one process: a list holding {@code t} itself.
     */
    default List<Tensor> allGather(Tensor t) {
        requireSingle("allGather");
        return List.of(t);
    }

    /** Overwrites {@code t} on every rank with rank {@code root}'s values (parameters at start). */
    default void broadcast(Tensor t, int root) {
        requireSingle("broadcast");
    }

    /** Waits until every replica reaches this call. */
    default void barrier() {
        requireSingle("barrier");
    }

    /** Whether this replica writes the run directory. */
    default boolean writes() {
        return rank() == 0;
    }

    private void requireSingle(String what) {
        if (world() != 1) throw new UnsupportedOperationException(what + " is not implemented by " + getClass());
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
