package dev.t5j.bench;

import dev.t5j.adapters.AdapterConfig;
import dev.t5j.adapters.AdapterTraining;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.optim.AdamW;
import dev.t5j.optim.Optimizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code t5j bench adapters}: AdamW training-step time and optimizer-state bytes of parameter-efficient methods
 * against full fine-tuning on the same model shape and random batch. The base's weights get no gradient when frozen,
 * so backward skips their weight products and the optimizer keeps no state for them.
 */
public final class AdapterBench {
    public record Config(String preset, int batch, int inputLen, int targetLen, int steps, List<String> methods) {}

    /** One method's figures: median step seconds, optimizer-state bytes, trained parameters. */
    public record Row(String method, double stepSeconds, long optimizerBytes, long trained, long total) {}

    private AdapterBench() {}

    public static List<Row> run(Config c, PrintStream out) {
        T5Config base = T5Config.preset(c.preset()).withDropout(0.0);
        Random rnd = new Random(0);
        int[][] in = new int[c.batch()][c.inputLen()];
        int[][] tg = new int[c.batch()][c.targetLen()];
        for (int[] r : in) for (int i = 0; i < r.length; i++) r[i] = 2 + rnd.nextInt(base.vocabSize() - 2);
        for (int[] r : tg) for (int i = 0; i < r.length; i++) r[i] = 2 + rnd.nextInt(base.vocabSize() - 2);
        List<Row> rows = new ArrayList<>();
        out.printf(Locale.ROOT,
                "%s, batch %d, lengths %d/%d, AdamW, %d timed steps after 1 warm-up (median), %d threads%n",
                c.preset(), c.batch(), c.inputLen(), c.targetLen(), c.steps(), Torch.threads());
        out.printf(Locale.ROOT, "%-16s %12s %10s %16s %10s %14s%n", "method", "trained", "fraction", "optimizer bytes",
                "step s", "vs full");
        Row full = null;
        for (String m : c.methods()) {
            Row r = measure(base, m, in, tg, c.steps());
            if (m.equals("none")) full = r;
            rows.add(r);
            out.printf(Locale.ROOT, "%-16s %,12d %9.3f%% %,16d %10.3f %14s%n", m.equals("none") ? "full" : m,
                    r.trained(),
                    100.0 * r.trained() / r.total(), r.optimizerBytes(), r.stepSeconds(), full == null || r == full ? ""
                            : String.format(Locale.ROOT, "%.2fx, %.2f%%", r.stepSeconds() / full.stepSeconds(),
                            100.0 * r.optimizerBytes() / full.optimizerBytes()));
        }
        return rows;
    }

    static Row measure(T5Config base, String method, int[][] in, int[][] tg, int steps) {
        AdapterConfig d = AdapterConfig.defaults();
        AdapterConfig c = new AdapterConfig(method, List.of(), 32, "gelu_new", false, true, true, d.weightInitRange(),
                false, d.taskEmbeddingDim(), d.taskHiddenDim(), d.projectedTaskEmbeddingDim(), false, true, null,
                d.r(), 16.0, 0.0, d.targetModules(), false, false);
        try (T5ForConditionalGeneration model = T5ForConditionalGeneration.init(base, 1);
             AdapterTraining a = AdapterTraining.setUp(model, c, "bench", null, null, 1);
             Optimizer opt = new AdamW(a.trainable(), 0.9, 0.999, 1e-8, 0.0)) {
            model.train(true);
            double[] t = new double[steps];
            for (int s = -1; s < steps; s++) {
                long t0 = System.nanoTime();
                try (PointerScope ps = new PointerScope()) {
                    Tensor enc = Tensors.longs(in, 0);
                    Tensor labels = Tensors.longs(tg, 0);
                    Tensor logits = model.forward(enc, null, model.shiftRight(labels));
                    T5ForConditionalGeneration.loss(logits, labels).backward();
                }
                opt.step(1e-4);
                if (s >= 0) t[s] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(t);
            long bytes = 0;
            for (Tensor s : opt.state().values()) bytes += s.numel() * s.element_size();
            return new Row(method, t[steps / 2], bytes, a.trainedCount(), a.totalCount());
        }
    }
}
