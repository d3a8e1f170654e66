package dev.t5j.bench;

import dev.t5j.distributed.GlooReplicas;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.optim.AdamW;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code t5j bench distributed}: what data parallelism costs on this machine. Run by every worker of a group:
 * <ul>
 *   <li>all-reduce of float32 buffers of gradient sizes over the group's Gloo (loopback for local workers): time,
 *       algorithm bandwidth (bytes / time) and bus bandwidth (× 2(N−1)/N, the nccl-tests convention: what each link
 *       carries in a ring all-reduce);</li>
 *   <li>a t5-small training step (forward, backward, gradient all-reduce, AdamW) on this worker's share of the global
 *       batch, and the fraction of it spent in the all-reduce.</li>
 * </ul>
 * The one-process step (no group) is {@link #step} with {@code replicas} null.
 */
public final class DistributedBench {
    private DistributedBench() {}

    /** Global batch and lengths of the measured step. */
    public record Config(String preset, int batch, int inputLen, int targetLen, int steps) {}

    /** Best step seconds and the all-reduce seconds of that step (0 without a group). */
    public record StepResult(double stepSeconds, double commSeconds) {}

    /** Times an all-reduce of {@code floats} float32 values ({@code reps} times, best kept); seconds. */
    public static double allReduceSeconds(GlooReplicas g, long floats, int reps) {
        double best = Double.MAX_VALUE;
        try (PointerScope s = new PointerScope()) {
            Tensor t = torch.ones(floats);
            g.allReduceSum(t); // warm-up: connections and buffers
            for (int i = 0; i < reps; i++) {
                g.barrier();
                long t0 = System.nanoTime();
                g.allReduceSum(t);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return best;
    }

    /** Prints the all-reduce table for the sizes in MiB (rank 0 prints; every rank must call it). */
    public static void allReduceTable(GlooReplicas g, int[] mib, PrintStream out) {
        int n = g.world();
        if (g.writes()) out.printf(Locale.ROOT, "all-reduce over Gloo, %d workers (float32, best of 5):%n", n);
        for (int m : mib) {
            long floats = (long) m << 18; // MiB / 4 bytes
            double sec = allReduceSeconds(g, floats, 5);
            double alg = (m << 20) / sec / 1e9;
            if (g.writes()) out.printf(Locale.ROOT, "  %5d MiB: %8.1f ms  algbw %6.2f GB/s  busbw %6.2f GB/s%n",
                    m, sec * 1e3, alg, alg * 2.0 * (n - 1) / n);
        }
    }

    /**
     * The best of {@code steps} training steps (after one warm-up) of {@code c.preset()} on this worker's share of
     * the global batch: {@code batch / world} rows.
     */
    public static StepResult step(Config c, GlooReplicas g) {
        int world = g == null ? 1 : g.world(), rank = g == null ? 0 : g.rank();
        T5Config mc = T5Config.preset(c.preset()).withDropout(0.0);
        SplittableRandom rng = new SplittableRandom(1);
        int[][] in = ModelBench.randomIds(rng, c.batch(), c.inputLen(), mc.vocabSize());
        int[][] tg = ModelBench.randomIds(rng, c.batch(), c.targetLen(), mc.vocabSize());
        int share = c.batch() / world;
        in = Arrays.copyOfRange(in, rank * share, (rank + 1) * share);
        tg = Arrays.copyOfRange(tg, rank * share, (rank + 1) * share);
        double best = Double.MAX_VALUE, bestComm = 0;
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(mc, 1);
             AdamW opt = new AdamW(m.parameters())) {
            m.train(true);
            for (int s = 0; s <= c.steps(); s++) {
                if (g != null) g.barrier();
                long t0 = System.nanoTime();
                try (PointerScope ps = new PointerScope()) {
                    Tensor labels = Tensors.longs(tg, 0);
                    Tensor loss = T5ForConditionalGeneration.loss(m.forward(Tensors.longs(in, 0), null,
                            m.shiftRight(labels)), labels);
                    loss.backward();
                }
                double comm = 0;
                if (g != null) {
                    double c0 = g.collectiveSeconds();
                    g.allReduceGradients(m.parameters().values());
                    comm = g.collectiveSeconds() - c0;
                }
                opt.step(1e-4);
                double sec = (System.nanoTime() - t0) / 1e9;
                if (s > 0 && sec < best) { // step 0 warms up allocators and connections
                    best = sec;
                    bestComm = comm;
                }
            }
        }
        return new StepResult(best, bestComm);
    }
}
