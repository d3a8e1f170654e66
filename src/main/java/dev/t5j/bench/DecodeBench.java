package dev.t5j.bench;

import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decoding throughput alone, on the span the anchors time ({@code bench_hf_t5.py gen}: HF {@code generate};
 * ONNX Runtime Java: encoder + N decoder steps): best of {@code runs} timed runs after one warm-up run, exactly
 * {@code newTokens} tokens per sequence (EOS forbidden until then, as the anchors' {@code min_new_tokens}), random
 * weights of a preset. {@code bench/compare.sh} runs it back to back with the anchors and prints the ratios.
 */
public final class DecodeBench {
    /**
     * @param beams 1 = greedy, more = beam search (HF semantics)
     * @param runs  timed runs after the warm-up; the best is reported
     */
    public record Config(String preset, int batch, int inputLen, int newTokens, int beams, int runs,
            ComputeDtype dtype) {}

    /** Best wall time of one run (encoder + all steps) and what it makes in generated tokens per second. */
    public record Result(double bestSeconds, double tokensPerSecond) {}

    private DecodeBench() {}

    public static Result run(Config c, PrintStream out) {
        T5Config mc = T5Config.preset(c.preset()).withDropout(0.0);
        ScalarType weights = c.dtype() == ComputeDtype.BF16 ? ScalarType.BFloat16 : ScalarType.Float;
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(mc, 0, weights)) {
            m.train(false);
            int[][] ids = ModelBench.randomIds(new SplittableRandom(0), c.batch(), c.inputLen(), mc.vocabSize());
            GenerationConfig g = GenerationConfig.builder(c.newTokens()).minNewTokens(c.newTokens())
                    .numBeams(c.beams()).build();
            Generator gen = new Generator(m);
            gen.generate(ids, g); // warm-up: allocators, thread pools, lazily built decoding weights
            double best = Double.MAX_VALUE;
            List<Profiler.Row> bestProfile = null;
            for (int r = 0; r < c.runs(); r++) {
                Profiler.reset();
                long t0 = System.nanoTime();
                gen.generate(ids, g);
                double sec = (System.nanoTime() - t0) / 1e9;
                if (sec < best) {
                    best = sec;
                    bestProfile = Profiler.rows(sec * 1e3);
                }
            }
            double tps = (double) c.batch() * c.newTokens() / best;
            out.printf(Locale.ROOT, "t5j %s %s batch=%d in=%d new=%d threads=%d%s: best %.3f s, %.1f tokens/s, "
                            + "%.1f ms/step%n", c.preset(), c.beams() == 1 ? "greedy" : "beam" + c.beams(), c.batch(),
                    c.inputLen(), c.newTokens(), torch.get_num_threads(),
                    c.dtype() == ComputeDtype.BF16 ? " dtype=bf16" : "", best, tps, 1e3 * best / c.newTokens());
            double enc = encoderSeconds(m, ids, c.runs());
            out.printf(Locale.ROOT, "  split: encoder %.3f s (best of %d, timed alone), decoder %.1f ms/step "
                    + "(the rest)%n", enc, c.runs(), 1e3 * (best - enc) / c.newTokens());
            if (bestProfile != null) Profiler.print(out, "best decoding run", best * 1e3, bestProfile);
            return new Result(best, tps);
        }
    }

    /** The encoder pass alone (what ONNX Runtime's anchor prints as its split), best of {@code runs}. */
    private static double encoderSeconds(T5ForConditionalGeneration m, int[][] ids, int runs) {
        double best = Double.MAX_VALUE;
        try (PointerScope outer = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor input = Tensors.longs(ids, m.config().padTokenId());
            Tensor mask = Tensors.lengthMask(ids);
            for (int r = 0; r <= runs; r++) {
                try (PointerScope step = new PointerScope()) {
                    long t0 = System.nanoTime();
                    m.encode(input, mask);
                    if (r > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return best;
    }
}
