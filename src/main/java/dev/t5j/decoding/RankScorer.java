package dev.t5j.decoding;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.DecoderCache;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * Rank classification scores (T0, t-zero evaluation/run_eval.py + t0/model.py): each answer choice scored as the sum
 * of its token log-probabilities under teacher forcing, EOS included, no length normalisation; the prediction is the
 * argmax (first on ties). The encoder runs once per example, and so do the cross-attention key/value projections of
 * its output; all choices of a batch of examples decode as one batch that indexes them ({@link #score}). {@link
 * #scorePairs} encodes every (input, choice) pair on
 * its own, as t-zero's collator does by repeating the input, for comparison ({@code t5j bench rank}).
 */
public final class RankScorer {
    private final T5ForConditionalGeneration model;
    private final int examplesPerBatch;

    /** @param examplesPerBatch examples encoded together (their choices decode together) */
    public RankScorer(T5ForConditionalGeneration model, int examplesPerBatch) {
        if (examplesPerBatch < 1) throw new UserError("examples per batch must be >= 1, got " + examplesPerBatch);
        this.model = model;
        this.examplesPerBatch = examplesPerBatch;
    }

    /** One example: input ids (T0: no EOS) and the choices' ids (T0: EOS appended). */
    public record Item(int[] input, int[][] choices) {
        public Item {
            if (input.length == 0) throw new UserError("an input has no tokens");
            if (choices.length == 0) throw new UserError("an example has no choices");
            for (int[] c : choices) if (c.length == 0) throw new UserError("a choice has no tokens");
        }
    }

    /** Scores per choice and the predicted choice. */
    public record Result(double[] scores, int prediction) {}

    /** Shared-encoder scoring. */
    public Result[] score(List<Item> items) {
        Result[] out = new Result[items.size()];
        for (int from = 0; from < items.size(); from += examplesPerBatch) {
            List<Item> batch = items.subList(from, Math.min(items.size(), from + examplesPerBatch));
            Result[] r = scoreBatch(batch);
            System.arraycopy(r, 0, out, from, r.length);
        }
        return out;
    }

    private Result[] scoreBatch(List<Item> batch) {
        int rows = 0;
        for (Item it : batch) rows += it.choices().length;
        int[][] inputs = new int[batch.size()][];
        int[][] labels = new int[rows][];
        long[] owner = new long[rows];
        int r = 0;
        for (int e = 0; e < batch.size(); e++) {
            inputs[e] = batch.get(e).input();
            for (int[] c : batch.get(e).choices()) {
                labels[r] = c;
                owner[r++] = e;
            }
        }
        double[] sums = run(inputs, labels, owner);
        Result[] out = new Result[batch.size()];
        r = 0;
        for (int e = 0; e < batch.size(); e++) {
            double[] s = new double[batch.get(e).choices().length];
            for (int k = 0; k < s.length; k++) s[k] = sums[r++];
            out[e] = new Result(s, argmax(s));
        }
        return out;
    }

    /** Per-pair scoring: the input is repeated for every choice and encoded with it (no sharing). */
    public Result[] scorePairs(List<Item> items) {
        Result[] out = new Result[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            int n = it.choices().length;
            int[][] inputs = new int[n][];
            long[] owner = new long[n];
            for (int k = 0; k < n; k++) {
                inputs[k] = it.input();
                owner[k] = k;
            }
            double[] s = run(inputs, it.choices(), owner);
            out[i] = new Result(s, argmax(s));
        }
        return out;
    }

    /** Encodes {@code inputs} once; decodes every label row against the encoder output of its owner. */
    private double[] run(int[][] inputs, int[][] labels, long[] owner) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.longs(inputs, model.config().padTokenId());
            Tensor mask = Tensors.lengthMask(inputs);
            Tensor enc = model.encode(ids, mask);
            Tensor lab = Tensors.longs(labels, T5ForConditionalGeneration.IGNORE_INDEX);
            Tensor logits;
            if (owner.length == inputs.length && isIdentity(owner)) {
                logits = model.logits(model.decode(model.shiftRight(lab), enc, mask, null, null));
            } else {
                // cross-attention keys/values once per example (a one-step decode fills them), then picked per choice
                Tensor idx = Tensors.longs(owner, owner.length);
                int[][] start = new int[inputs.length][];
                for (int i = 0; i < start.length; i++) start[i] = new int[]{model.config().decoderStartTokenId()};
                try (DecoderCache perExample = model.newCache()) {
                    model.decode(Tensors.longs(start, 0), enc, mask, null, perExample);
                    try (DecoderCache perChoice = perExample.selectCross(idx)) {
                        logits = model.logits(model.decode(model.shiftRight(lab), enc.index_select(0, idx),
                                mask.index_select(0, idx), null, perChoice));
                    }
                }
            }
            float[] lp = Tensors.toFloats(T5ForConditionalGeneration.tokenLogProbs(logits, lab));
            int t = (int) lab.size(1);
            double[] sums = new double[labels.length];
            for (int i = 0; i < labels.length; i++)
                for (int j = 0; j < labels[i].length; j++) sums[i] += lp[i * t + j];
            return sums;
        } finally {
            model.train(wasTraining);
        }
    }

    private static boolean isIdentity(long[] owner) {
        for (int i = 0; i < owner.length; i++) if (owner[i] != i) return false;
        return true;
    }

    /** Index of the highest score, the first on ties (numpy argmax). */
    public static int argmax(double[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
        return best;
    }
}
