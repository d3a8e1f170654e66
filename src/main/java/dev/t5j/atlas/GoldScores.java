package dev.t5j.atlas;

import java.util.function.Supplier;
import org.bytedeco.pytorch.LongOptional;
import dev.t5j.engine.Tensors;
import dev.t5j.model.FusionInDecoder;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The reader-side teachers of Atlas's retriever training (atlas : src/atlas.py), computed without gradient and with the
 * reader in eval mode (dropout off), over the K retrieved passages of each example.
 *
 * <p>Inputs: reader ids and mask [B, K, L] (every (query, passage) pair of an example), labels [B, T] with -100 on
 * padding. Outputs are fp32 [B, K] (or [B, K, T] for EMDR) in the caller's PointerScope.
 */
public final class GoldScores {
    /** Atlas's hard-coded scale of the attention-distillation sum. */
    static final double ADIST_CONSTANT = 256.0;

    private GoldScores() {}

    /** The teacher for {@code mode} (EMDR has no [B, K] teacher: see {@link #emdrTokenLogProbs}). */
    public static Tensor compute(GoldScoreMode mode, FusionInDecoder reader, Tensor ids, Tensor mask, Tensor labels,
            double temperatureGold) {
        return switch (mode) {
            case PDIST -> perplexity(reader, ids, mask, labels);
            case ADIST -> attention(reader, ids, mask, labels);
            case LOOP -> leaveOneOut(reader, ids, mask, labels);
            case EMDR -> throw new
                    IllegalArgumentException("EMDR marginalises per token: use emdrTokenLogProbs and emdrLoss");
        };
    }

    /** PDist: {@code gold[b,k] = -(Σ_t CE_t) / #targets}, each passage read alone (n_context = 1). */
    public static Tensor perplexity(FusionInDecoder reader, Tensor ids, Tensor mask, Tensor labels) {
        return eval(reader, () -> {
            long b = ids.size(0), k = ids.size(1), l = ids.size(2);
            Tensor rowsLabels = rep(labels, k); // [B*K, T]
            Tensor logits = reader.forward(ids.reshape(b * k, 1, l), mask.reshape(b * k, 1, l), rowsLabels);
            Tensor lp = maskedTokenLogProbs(logits, rowsLabels); // [B*K, T]
            Tensor count = rowsLabels.ne(Tensors.scalar(T5ForConditionalGeneration.IGNORE_INDEX)).sum(new long[]{1},
                    false, floatType());
            return lp.sum(new long[]{1}, false, new ScalarTypeOptional()).div(count.clamp_min(Tensors.scalar(1.0)))
                    .view(b, k);
        });
    }

    /**
     * ADist, Atlas's intended {@code evalnormsum} (the shipped code looks up "normsum" in a dict keyed "normssum" and
     * would fail): Σ over decoder layers, non-padding passage tokens and real target tokens of mean_heads(attention
     * probability × ||value||), divided by 256 · n_layers · n_target_tokens.
     */
    public static Tensor attention(FusionInDecoder reader, Tensor ids, Tensor mask, Tensor labels) {
        return eval(reader, () -> {
            long b = ids.size(0), k = ids.size(1), l = ids.size(2);
            List<Tensor> probe = new ArrayList<>();
            T5ForConditionalGeneration t5 = reader.t5();
            t5.recordCrossAttention(probe);
            try {
                reader.forward(ids, mask, labels);
            } finally {
                t5.recordCrossAttention(null);
            }
            int layers = probe.size();
            Tensor stacked = torch.stack(new TensorVector(probe.toArray(new Tensor[0])), 0); // [layers, B, T, K*L]
            long t = stacked.size(2);
            // summed over layers
            Tensor s = stacked.sum(new long[]{0}, false, new ScalarTypeOptional()).view(b, t, k, l);
            s = s.mul(mask.to(torch.ScalarType.Float).view(b, 1, k, l));
            // [B, T]
            Tensor targetMask = labels.ne(Tensors.scalar(T5ForConditionalGeneration.IGNORE_INDEX))
                    .to(torch.ScalarType.Float);
            s = s.mul(targetMask.view(b, t, 1, 1));
            Tensor summed = s.sum(new long[]{1, 3}, false, new ScalarTypeOptional()); // [B, K]
            // [B, 1]
            Tensor nTargets = targetMask.sum(new long[]{1}, true,
                    new ScalarTypeOptional()).clamp_min(Tensors.scalar(1.0));
            return summed.div(nTargets.mul(Tensors.scalar(ADIST_CONSTANT * layers)));
        });
    }

    /**
     * LOOP: {@code gold[b,k]} = mean target cross-entropy when passage k is masked out of the reader's input (the
     * encoder runs once; the decoder reruns with each passage blanked, all K variants in one batch).
     */
    public static Tensor leaveOneOut(FusionInDecoder reader, Tensor ids, Tensor mask, Tensor labels) {
        return eval(reader, () -> {
            long b = ids.size(0), k = ids.size(1), l = ids.size(2);
            FusionInDecoder.Encoded enc = reader.encode(ids, mask);
                        Tensor hidden = rep(enc.hidden(), k); // [B*K, K*L, d]
            // row (b, j) keeps every passage of example b except j
            Tensor keep = torch.ones(new long[]{k, k}, Tensors.options(torch.ScalarType.Float)).sub(torch.eye(k,
                    Tensors.options(torch.ScalarType.Float)));
            Tensor m = mask.to(torch.ScalarType.Float).view(b, 1, k, l).mul(keep.view(1, k, k, 1)).reshape(b * k,
                    k * l);
            Tensor rowsLabels = rep(labels, k);
            Tensor logits = reader.logits(new FusionInDecoder.Encoded(hidden, m.to(mask.scalar_type())),
                    reader.t5().shiftRight(rowsLabels));
            Tensor lp = maskedTokenLogProbs(logits, rowsLabels);
            Tensor count = rowsLabels.ne(Tensors.scalar(T5ForConditionalGeneration.IGNORE_INDEX)).sum(new long[]{1},
                    false, floatType());
            return lp.sum(new long[]{1}, false, new ScalarTypeOptional()).neg()
                    .div(count.clamp_min(Tensors.scalar(1.0))).view(b, k);
        });
    }

    /**
     * EMDR²'s teacher: {@code log_softmax(logits / temperatureGold)} of each passage read alone, gathered at the labels
     * (0 where the label is -100): [B, K, T].
     */
    public static Tensor emdrTokenLogProbs(FusionInDecoder reader, Tensor ids, Tensor mask, Tensor labels,
            double temperatureGold) {
        return eval(reader, () -> {
            long b = ids.size(0), k = ids.size(1), l = ids.size(2);
            Tensor rowsLabels = rep(labels, k);
            Tensor logits = reader.forward(ids.reshape(b * k, 1, l), mask.reshape(b * k, 1, l), rowsLabels);
            Tensor lp = maskedTokenLogProbs(logits.div(Tensors.scalar(temperatureGold)), rowsLabels);
            return lp.view(b, k, -1);
        });
    }

    /** Per-token log-probabilities [N, T] with 0 at ignored (-100) positions. */
    static Tensor maskedTokenLogProbs(Tensor logits, Tensor labels) {
        Tensor lp = T5ForConditionalGeneration.tokenLogProbs(logits, labels);
        return lp.masked_fill(labels.eq(Tensors.scalar(T5ForConditionalGeneration.IGNORE_INDEX)), Tensors.scalar(0.0));
    }

    /** Each row repeated {@code k} times in place (row b becomes rows b·k .. b·k+k-1). */
    static Tensor rep(Tensor x, long k) {
        return x.repeat_interleave(k, new LongOptional(0),
                new LongOptional());
    }

    private static ScalarTypeOptional floatType() {
        return new ScalarTypeOptional(torch.ScalarType.Float);
    }

    private static Tensor eval(FusionInDecoder reader, Supplier<Tensor> body) {
        T5ForConditionalGeneration t5 = reader.t5();
        boolean was = t5.isTraining();
        t5.train(false);
        try (NoGradGuard ng = new NoGradGuard()) {
            return body.get().to(torch.ScalarType.Float);
        } finally {
            t5.train(was);
        }
    }
}
