package dev.t5j.train;

import dev.t5j.common.Progress;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.engine.Tensors;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The built-in demo: a tiny T5 learns to reverse short token sequences on the CPU in about a minute, then is
 * evaluated by greedy decoding on held-out sequences and saved in HF layout.
 */
public final class Quickstart {
    /** @param steps training steps; @param batch sequences per step; @param out where the trained model goes (null: nowhere) */
    public record Config(int steps, int batch, double lr, long seed, int evalExamples, Path out) {
        public static Config defaults() {
            return new Config(600, 32, 3e-3, 0, 200, Path.of("runs", "quickstart", "model"));
        }
    }

    public record Result(float firstLoss, float lastLoss, double exactMatch, double stepsPerSecond) {}

    static final int FIRST_ID = 3; // 0 pad, 1 eos, 2 unk
    static final int NUM_IDS = 20;

    /** A sequence of 2..8 ids and its reverse, both ending in EOS. */
    static int[][] example(SplittableRandom rng) {
        int n = 2 + rng.nextInt(7);
        int[] in = new int[n + 1];
        int[] out = new int[n + 1];
        for (int i = 0; i < n; i++) in[i] = FIRST_ID + rng.nextInt(NUM_IDS);
        for (int i = 0; i < n; i++) out[i] = in[n - 1 - i];
        in[n] = 1;
        out[n] = 1;
        return new int[][]{in, out};
    }

    public static Result run(Config cfg, PrintStream log) throws IOException {
        T5Config base = T5Config.preset("tiny");
        T5Config mc = base.withVocabSize(64);
        SplittableRandom rng = new SplittableRandom(cfg.seed());
        float first = Float.NaN, last = Float.NaN;
        long t0 = System.nanoTime();
        try (T5ForConditionalGeneration model = T5ForConditionalGeneration.init(mc, cfg.seed());
             AdamW opt = new AdamW(model.parameters(), 0.9, 0.999, 1e-8, 0.01)) {
            log.printf(Locale.ROOT, "quickstart: tiny T5 (%,d parameters) learns to reverse sequences of %d..%d ids%n",
                    model.parameterCount(), 2, 8);
            model.train(true);
            try (Progress p = new Progress("train", cfg.steps(), "steps")) {
                for (int step = 0; step < cfg.steps(); step++) {
                    int[][] in = new int[cfg.batch()][];
                    int[][] tg = new int[cfg.batch()][];
                    for (int b = 0; b < cfg.batch(); b++) {
                        int[][] ex = example(rng);
                        in[b] = ex[0];
                        tg[b] = ex[1];
                    }
                    float loss;
                    try (PointerScope s = new PointerScope()) {
                        Tensor labels = Tensors.longs(tg, T5ForConditionalGeneration.IGNORE_INDEX);
                        Tensor l = T5ForConditionalGeneration.loss(
                                model.forward(Tensors.longs(in, 0), Tensors.lengthMask(in), model.shiftRight(labels)), labels);
                        l.backward();
                        loss = l.item_float();
                    }
                    double warm = Math.min(1.0, (step + 1) / 50.0);
                    opt.step(cfg.lr() * warm);
                    if (step == 0) first = loss;
                    last = loss;
                    p.setExtra(String.format(Locale.ROOT, "loss %.3f", loss));
                    p.step(1);
                }
            }
            double sps = cfg.steps() / ((System.nanoTime() - t0) / 1e9);
            model.train(false);
            SplittableRandom evalRng = new SplittableRandom(cfg.seed() + 1_000_003);
            int[][] in = new int[cfg.evalExamples()][];
            int[][] tg = new int[cfg.evalExamples()][];
            for (int i = 0; i < in.length; i++) {
                int[][] ex = example(evalRng);
                in[i] = ex[0];
                tg[i] = ex[1];
            }
            Generator.Result r = new Generator(model).generate(in, GenerationConfig.greedy(12));
            int correct = 0;
            for (int i = 0; i < in.length; i++) if (Arrays.equals(r.sequences()[i], tg[i])) correct++;
            double em = 100.0 * correct / in.length;
            log.printf(Locale.ROOT, "loss %.3f -> %.3f over %d steps (%.1f steps/s)%n", first, last, cfg.steps(), sps);
            log.printf(Locale.ROOT, "held-out exact match (greedy): %.1f%% of %d sequences%n", em, in.length);
            for (int i = 0; i < 3; i++)
                log.println("  input " + Arrays.toString(in[i]) + " -> " + Arrays.toString(r.sequences()[i]));
            if (cfg.out() != null) {
                Checkpoint.save(model, cfg.out());
                log.println("model saved to " + cfg.out() + " (try: ./t5j generate --model " + cfg.out() + " --input-ids 5,6,7,1)");
            }
            return new Result(first, last, em, sps);
        }
    }
}
