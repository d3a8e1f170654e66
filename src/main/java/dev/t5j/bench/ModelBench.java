package dev.t5j.bench;

import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.decoding.NoCacheDecoding;
import dev.t5j.engine.Autocast;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Dropout;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.optim.AdamW;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures the T5 training step and generation on this machine, against a measured sgemm peak.
 *
 * <p>FLOPs of a training step: 6 × (N_enc × input tokens + (N_dec + N_head) × target tokens), N = parameters
 * excluding the embedding lookup (PaLM/Kaplan "6N" rule applied per stack; attention score FLOPs not counted).
 */
public final class ModelBench {
    /**
     * {@code dtype}: what the training step's forward and generation run in (bf16 = autocast, fp32 weights);
     * {@code dropout}: the model's dropout rate in the training step (0 as the anchors; T5 fine-tunes with 0.1).
     */
    public record Config(String preset, int batch, int inputLen, int targetLen, int steps, int genTokens,
                         ComputeDtype dtype, double dropout) {
        public Config(String preset, int batch, int inputLen, int targetLen, int steps, int genTokens) {
            this(preset, batch, inputLen, targetLen, steps, genTokens, ComputeDtype.FP32, 0.0);
        }
    }

    public record Result(double sgemmGflops, double trainTokensPerSec, double trainGflops, double stepSeconds,
                         double opMicros, double[] genTokPerSecCache, double[] genTokPerSecNoCache) {}

    private ModelBench() {}

    /** Best-of-3 GFLOP/s of a 1024³ fp32 matmul through libtorch (the peak this machine gives us). */
    public static double sgemmPeak() {
        int n = 1024;
        double best = 0;
        try (PointerScope s = new PointerScope()) {
            Tensor a = torch.randn(n, n);
            Tensor b = torch.randn(n, n);
            a.matmul(b);
            for (int r = 0; r < 5; r++) {
                try (PointerScope s2 = new PointerScope()) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 4; i++) a.matmul(b);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, 4 * 2.0 * n * n * n / sec / 1e9);
                }
            }
        }
        return best;
    }

    /** Microseconds per tiny op (add of two 1-element tensors) through the JavaCPP binding: the per-op overhead. */
    public static double opOverheadMicros() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = torch.ones(1);
            Tensor y = torch.ones(1);
            for (int i = 0; i < 2000; i++) try (PointerScope s2 = new PointerScope()) { x.add(y); }
            int n = 20000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) try (PointerScope s2 = new PointerScope()) { x.add(y); }
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }

    /** Best-of-5 milliseconds of t5j's {@link Dropout} and of libtorch's {@code torch.dropout} on one tensor. */
    static double[] dropoutMillis(long[] shape, double p) {
        double ours = Double.MAX_VALUE;
        double theirs = Double.MAX_VALUE;
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = torch.rand(shape);
            for (int r = 0; r < 6; r++) { // round 0 warms up
                try (PointerScope s2 = new PointerScope()) {
                    long t0 = System.nanoTime();
                    Dropout.apply(x, p);
                    long t1 = System.nanoTime();
                    torch.dropout(x, p, true);
                    long t2 = System.nanoTime();
                    if (r > 0) {
                        ours = Math.min(ours, (t1 - t0) / 1e6);
                        theirs = Math.min(theirs, (t2 - t1) / 1e6);
                    }
                }
            }
        }
        return new double[]{ours, theirs};
    }

    public static Result run(Config c, PrintStream out) {
        T5Config mc = T5Config.preset(c.preset()).withDropout(c.dropout());
        double peak = sgemmPeak();
        double op = opOverheadMicros();
        out.printf(Locale.ROOT,
                "sgemm peak (1024^3 fp32, libtorch, %d threads): %.1f GFLOP/s; per-op overhead %.2f us%n",
                org.bytedeco.pytorch.global.torch.get_num_threads(), peak, op);
        if (c.dropout() > 0) {
            long[] shape = {c.batch(), mc.numHeads(), c.inputLen(), c.inputLen()};
            double[] ms = dropoutMillis(shape, c.dropout());
            out.printf(Locale.ROOT, "dropout %s in the training step; on %s (encoder attention probabilities): t5j "
                    + "%.2f ms, libtorch's torch.dropout %.2f ms%n", c.dropout(), Arrays.toString(shape), ms[0], ms[1]);
        }
        if (c.dtype() != ComputeDtype.FP32)
            out.printf(Locale.ROOT, "dtype %s: matrix products in bf16 (libtorch CPU autocast), fp32 weights and "
                    + "optimizer%n", c.dtype().key());
        SplittableRandom rng = new SplittableRandom(1);
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(mc,
                1); AdamW opt = new AdamW(m.parameters())) {
            long d = mc.dModel(), v = mc.vocabSize();
            long embed = v * d;
            long total = m.parameterCount();
            long head = mc.tieWordEmbeddings() ? v * d : 0; // untied head is already in total
            long nonEmbed = total - embed - (mc.tieWordEmbeddings() ? 0 : v * d);
            long encParams = 0;
            for (var e : m.parameters().entrySet()) if (e.getKey().startsWith("encoder.")) encParams +=
                    e.getValue().numel();
            long decParams = nonEmbed - encParams + v * d; // decoder stack + LM head
            double flopsPerStep = 6.0 * ((double) encParams * c.batch() * c.inputLen()
                    + (double) decParams * c.batch() * c.targetLen());
            int[][] in = randomIds(rng, c.batch(), c.inputLen(), (int) v);
            int[][] tg = randomIds(rng, c.batch(), c.targetLen(), (int) v);
            m.train(true);
            double best = Double.MAX_VALUE;
            List<Profiler.Row> bestProfile = null;
            for (int step = 0; step < c.steps() + 1; step++) {
                Profiler.reset();
                double sec = trainStep(m, opt, in, tg, c.dtype());
                if (step > 0 && sec < best) bestProfile = Profiler.rows(sec * 1e3);
                if (step > 0) best = Math.min(best, sec); // step 0 warms up allocators and thread pools
                out.printf(Locale.ROOT, "  train step %d: %.3f s%n", step, sec);
            }
            double tokens = (double) c.batch() * (c.inputLen() + c.targetLen());
            double gflops = flopsPerStep / best / 1e9;
            out.printf(Locale.ROOT,
                    "train (fwd+bwd+AdamW) %s batch %d x (%d in, %d out): best step %.3f s, %.0f tokens/s, %.1f " +
                            "GFLOP/s = %.0f%% of sgemm peak%n",
                    c.preset(), c.batch(), c.inputLen(), c.targetLen(), best, tokens / best, gflops,
                            100 * gflops / peak);
            if (bestProfile != null) Profiler.print(out, "best training step", best * 1e3, bestProfile);
            m.train(false);
            int[] batches = {1, 32};
            double[] withCache = new double[2];
            double[] noCache = new double[2];
            for (int i = 0; i < batches.length && c.genTokens() > 0; i++) {
                int[][] gi = randomIds(rng, batches[i], Math.min(c.inputLen(), 64), (int) v);
                GenerationConfig g = GenerationConfig.greedy(c.genTokens()).withMinNewTokens(c.genTokens());
                long genNanos;
                try (Autocast a = Autocast.open(c.dtype())) {
                    new Generator(m).generate(gi, GenerationConfig.greedy(4));
                    Profiler.reset();
                    long t0 = System.nanoTime();
                    new Generator(m).generate(gi, g);
                    genNanos = System.nanoTime() - t0;
                }
                List<Profiler.Row> genProfile = Profiler.rows(genNanos / 1e6);
                withCache[i] = (double) batches[i] * c.genTokens() / (genNanos / 1e9);
                long t0 = System.nanoTime();
                try (Autocast a = Autocast.open(c.dtype())) {
                    NoCacheDecoding.greedy(m, gi, c.genTokens());
                }
                noCache[i] = (double) batches[i] * c.genTokens() / ((System.nanoTime() - t0) / 1e9);
                out.printf(Locale.ROOT,
                        "generate greedy batch %d, %d input / %d new tokens: %.1f tokens/s with cache, %.1f without " +
                                "(%.1fx)%n",
                        batches[i], gi[0].length, c.genTokens(), withCache[i], noCache[i], withCache[i] / noCache[i]);
                if (genProfile != null) Profiler.print(out, "greedy decoding with cache, batch " + batches[i],
                        genNanos / 1e6, genProfile);
            }
            return new Result(peak, tokens / best, gflops, best, op, withCache, noCache);
        }
    }

    /**
     * One training step as the benchmark times it: batch to tensors (data), forward, loss, backward, AdamW update.
     * With {@link Profiler} on, each part lands in its kind. Returns the step's wall time in seconds.
     */
    public static double trainStep(T5ForConditionalGeneration m, AdamW opt, int[][] in, int[][] tg) {
        return trainStep(m, opt, in, tg, ComputeDtype.FP32);
    }

    /** As above with the forward and loss in {@code dtype} (bf16: under {@link Autocast}; backward outside it). */
    public static double trainStep(T5ForConditionalGeneration m, AdamW opt, int[][] in, int[][] tg,
            ComputeDtype dtype) {
        long t0 = System.nanoTime();
        try (PointerScope s = new PointerScope()) {
            long d0 = Profiler.start();
            Tensor labels = Tensors.longs(tg, 0);
            Tensor inputs = Tensors.longs(in, 0);
            Profiler.stop(Profiler.Kind.DATA, d0);
            Tensor loss;
            try (Autocast a = Autocast.open(dtype)) {
                loss = T5ForConditionalGeneration.loss(m.forward(inputs, null, m.shiftRight(labels)), labels);
            }
            long b0 = Profiler.start();
            loss.backward();
            Profiler.stop(Profiler.Kind.BACKWARD, b0);
        }
        long o0 = Profiler.start();
        opt.step(1e-4);
        Profiler.stop(Profiler.Kind.OPTIMIZER, o0);
        return (System.nanoTime() - t0) / 1e9;
    }

    static int[][] randomIds(SplittableRandom rng, int rows, int len, int vocab) {
        int[][] a = new int[rows][len];
        for (int[] r : a) {
            for (int j = 0; j < len - 1; j++) r[j] = 2 + rng.nextInt(Math.min(vocab, 32000) - 2);
            r[len - 1] = 1;
        }
        return a;
    }
}
