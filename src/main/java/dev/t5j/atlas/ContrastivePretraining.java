package dev.t5j.atlas;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Retriever;

import dev.t5j.common.Progress;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.optim.AdamW;
import dev.t5j.optim.GradientClipping;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Contriever's unsupervised training (Izacard et al. 2022, facebookresearch/contriever, in-batch variant): two
 * independent random crops of the same passage are a positive pair, the other passages' crops in the batch are the
 * negatives, and the loss is the cross-entropy of {@code cos(q_i, k_j) / temperature} against {@code j = i} (cosine, as
 * Contriever with {@code --norm_query --norm_doc}: a fresh encoder's raw inner products overflow at temperature 0.05).
 * It turns a
 * freshly initialised encoder into a retriever without labels, which is what a corpus without a pretrained
 * Contriever needs before Atlas-style training can find anything.
 *
 * <p>Crops are contiguous word spans whose length is a uniform fraction in [ratioMin, ratioMax] of the passage's
 * words (Contriever crops token spans with the same default ratios 0.1–0.5).
 */
public final class ContrastivePretraining {
    public record Options(int steps, int batchSize, double lr, double temperature, double ratioMin, double ratioMax,
            long seed) {
        public static Options defaults() {
            return new Options(300, 64, 1e-3, 0.05, 0.1, 0.5, 0);
        }

        public Options {
            if (steps < 0
                    || batchSize < 2) throw new IllegalArgumentException("steps >= 0 and batch size >= 2 required");
            if (!(temperature > 0) || !(lr > 0)) throw new IllegalArgumentException("temperature and lr must be > 0");
            if (!(ratioMin > 0 && ratioMin <= ratioMax && ratioMax <=
                    1)) throw new IllegalArgumentException("need 0 < ratio_min <= ratio_max <= 1");
        }
    }

    /**
     * Mean loss of the first and the last tenth of the steps (a run that learned has the second well below the first).
     */
    public record Result(double firstLoss, double lastLoss, long steps) {}

    private ContrastivePretraining() {}

    public static Result run(Retriever retriever, List<Passage> passages, Options o, PrintStream log,
            boolean progress) {
        if (passages.size() < o.batchSize()) throw new IllegalArgumentException(passages.size()
                + " passages, fewer than one batch of " + o.batchSize());
        Random rng = new Random(o.seed());
        Map<String, Tensor> params = retriever.trainableParameters();
        AdamW opt = new AdamW(params, 0.9, 0.999, 1e-6, 0.01);
        int tenth = Math.max(1, o.steps() / 10);
        double first = 0, last = 0;
        retriever.train(true);
        try (Progress bar = new Progress("contriever", o.steps(), "step", System.err, progress)) {
            for (int step = 0; step < o.steps(); step++) {
                List<String> q = new ArrayList<>(o.batchSize()), k = new ArrayList<>(o.batchSize());
                // distinct passages per batch: a passage drawn twice would make two "negatives" positives
                Set<Integer> drawn = new HashSet<>();
                while (drawn.size() < o.batchSize()) drawn.add(rng.nextInt(passages.size()));
                for (int idx : drawn) {
                    Passage p = passages.get(idx);
                    String[] words = p.retrieverText().trim().split("\\s+");
                    q.add(crop(words, o, rng));
                    k.add(crop(words, o, rng));
                }
                Torch.seed(o.seed() * 1_000_003L + step);
                double loss;
                try (PointerScope s = new PointerScope()) {
                    Tensor qe = normalize(retriever.queryEmbeddings(q, true));
                    Tensor ke = normalize(retriever.passageEmbeddings(k, true));
                    Tensor logits = qe.matmul(ke.t()).div(Tensors.scalar(o.temperature()));
                    long[] labels = new long[o.batchSize()];
                    for (int i = 0; i < labels.length; i++) labels[i] = i;
                    Tensor lp = torch.log_softmax(logits, 1, new ScalarTypeOptional());
                    Tensor l = torch.nll_loss(lp, Tensors.longs(labels, labels.length), new TensorOptional(), 1, -100);
                    loss = l.item_float();
                    l.backward();
                    GradientClipping.clip(params.values(), 1.0);
                    // linear warmup over the first tenth
                    double lr = o.lr() * Math.min(1.0, (step + 1) / (double) tenth);
                    opt.step(lr);
                }
                if (step < tenth) first += loss / tenth;
                if (step >= o.steps() - tenth) last += loss / tenth;
                bar.step(1);
                bar.setExtra(String.format(Locale.ROOT, "loss %.3f", loss));
            }
        } finally {
            retriever.train(false);
            opt.close();
        }
        if (log != null) log.printf(Locale.ROOT, "t5j: contrastive pretraining %d steps: loss %.3f -> %.3f%n",
                o.steps(), first, last);
        return new Result(first, last, o.steps());
    }

    /** Rows scaled to unit length: cosine similarity keeps a fresh encoder's logits bounded at temperature 0.05. */
    static Tensor normalize(Tensor x) {
        Tensor norm = x.square().sum(new long[]{1}, true, new ScalarTypeOptional()).sqrt()
                .clamp_min(Tensors.scalar(1e-6));
        return x.div(norm);
    }

    static String crop(String[] words, Options o, Random rng) {
        double ratio = o.ratioMin() + rng.nextDouble() * (o.ratioMax() - o.ratioMin());
        int len = Math.max(1, (int) Math.round(ratio * words.length));
        int start = rng.nextInt(words.length - len + 1);
        return String.join(" ", Arrays.copyOfRange(words, start, start + len));
    }
}
