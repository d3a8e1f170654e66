package dev.t5j.run;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test replicas: N ranks as threads of one JVM, exchanging libtorch tensors through shared slots and a
 * {@link CyclicBarrier}, so that collective code (a sharded index, a data-parallel trainer) can be checked against
 * one process before the multi-process (c10d) implementation is in the loop. Sums run in rank order, so results are
 * deterministic. A rank that fails breaks the barrier: the others fail too instead of waiting forever.
 */
public final class ThreadReplicas implements Replicas {
    /** What one rank runs. */
    @FunctionalInterface
    public interface Body<T> {
        T run(Replicas replicas) throws Exception;
    }

    private static final long TIMEOUT_S = 120;

    private final Shared shared;
    private final int rank;

    private static final class Shared {
        final int world;
        final CyclicBarrier barrier;
        final Tensor[] slots;

        Shared(int world) {
            this.world = world;
            this.barrier = new CyclicBarrier(world);
            this.slots = new Tensor[world];
        }
    }

    private ThreadReplicas(Shared shared, int rank) {
        this.shared = shared;
        this.rank = rank;
    }

    /** Runs {@code body} on {@code world} ranks (threads) and returns their results in rank order. */
    public static <T> List<T> run(int world, Body<T> body) throws Exception {
        Shared shared = new Shared(world);
        List<Object> results = new ArrayList<>();
        Throwable[] failures = new Throwable[world];
        Thread[] threads = new Thread[world];
        for (int r = 0; r < world; r++) results.add(null);
        for (int r = 0; r < world; r++) {
            int rank = r;
            threads[r] = new Thread(() -> {
                try {
                    results.set(rank, body.run(new ThreadReplicas(shared, rank)));
                } catch (Throwable t) {
                    failures[rank] = t;
                    shared.barrier.reset(); // wake the others: they fail with BrokenBarrierException
                }
            }, "rank-" + r);
            threads[r].start();
        }
        for (Thread t : threads) t.join();
        for (Throwable t : failures) // the first failure that is not a consequence of another's
            if (t != null && !(t.getCause() instanceof BrokenBarrierException)) rethrow(t);
        for (Throwable t : failures) if (t != null) rethrow(t);
        @SuppressWarnings("unchecked") List<T> typed = (List<T>) (List<?>) results;
        return typed;
    }

    private static void rethrow(Throwable t) throws Exception {
        if (t instanceof Exception e) throw e;
        throw (Error) t;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int world() {
        return shared.world;
    }

    @Override
    public void allReduceGradients(Collection<Tensor> parameters) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : parameters) {
                Tensor grad = p.grad();
                if (grad.defined()) {
                    allReduceSum(grad);
                    grad.div_(Tensors.scalar(shared.world));
                }
            }
        }
    }

    @Override
    public void allReduceSum(Tensor t) {
        List<Tensor> all = allGather(t);
        Tensor sum = all.get(0);
        for (int r = 1; r < all.size(); r++) sum = sum.add(all.get(r));
        t.copy_(sum);
    }

    @Override
    public List<Tensor> allGather(Tensor t) {
        shared.slots[rank] = Tensors.keep(t.detach().contiguous().clone());
        await();
        List<Tensor> out = new ArrayList<>(shared.world);
        for (int r = 0; r < shared.world; r++) out.add(shared.slots[r].clone());
        await(); // everyone has copied: the slots may be reused
        Tensors.free(shared.slots[rank]);
        return out;
    }

    @Override
    public void broadcast(Tensor t, int root) {
        if (rank == root) shared.slots[root] = Tensors.keep(t.detach().contiguous().clone());
        await();
        if (rank != root) {
            try (NoGradGuard g = new NoGradGuard()) {
                t.copy_(shared.slots[root]);
            }
        }
        await();
        if (rank == root) Tensors.free(shared.slots[root]);
    }

    @Override
    public void barrier() {
        await();
    }

    private void await() {
        try {
            shared.barrier.await(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rank " + rank + " interrupted in a collective", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("rank " + rank + ": another rank failed or a collective timed out", e);
        }
    }
}
