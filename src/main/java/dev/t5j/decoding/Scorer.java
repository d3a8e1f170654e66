package dev.t5j.decoding;

import java.util.Arrays;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Teacher-forced scoring of given targets: per-token log-probabilities and their sum (rank classification,
 * retriever distillation), and optionally the full decoder logits.
 */
public final class Scorer {
    private final T5ForConditionalGeneration model;

    public Scorer(T5ForConditionalGeneration model) {
        this.model = model;
    }

    /**
     * @param tokenLogProbs per target token
     * @param logits        [targetLen][vocab] when asked for, else null
     */
    public record Score(float[] tokenLogProbs, double sum, float[][] logits) {}

    public Score[] score(int[][] inputIds, int[][] targetIds, boolean withLogits) {
        if (inputIds.length != targetIds.length)
            throw new UserError("got " + inputIds.length + " inputs but " + targetIds.length + " targets");
        int n = inputIds.length;
        for (int i = 0; i < n; i++) {
            if (inputIds[i].length == 0) throw new UserError("input " + i + " has no tokens");
            if (targetIds[i].length == 0) throw new UserError("target " + i + " has no tokens");
        }
        boolean wasTraining = model.isTraining();
        model.train(false);
        Score[] out = new Score[n];
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.longs(inputIds, model.config().padTokenId());
            Tensor mask = Tensors.lengthMask(inputIds);
            Tensor labels = Tensors.longs(targetIds, T5ForConditionalGeneration.IGNORE_INDEX);
            Tensor logits = model.forward(ids, mask, model.shiftRight(labels)); // [B, T, V]
            float[] lp = Tensors.toFloats(T5ForConditionalGeneration.tokenLogProbs(logits, labels));
            float[] all = withLogits ? Tensors.toFloats(logits) : null;
            int t = (int) labels.size(1);
            int v = (int) logits.size(2);
            for (int i = 0; i < n; i++) {
                int len = targetIds[i].length;
                float[] tok = new float[len];
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    tok[j] = lp[i * t + j];
                    sum += tok[j];
                }
                float[][] rowLogits = null;
                if (withLogits) {
                    rowLogits = new float[len][];
                    for (int j = 0; j < len; j++) rowLogits[j] = Arrays.copyOfRange(all, (i * t + j) * v,
                            (i * t + j + 1) * v);
                }
                out[i] = new Score(tok, sum, rowLogits);
            }
        } finally {
            model.train(wasTraining);
        }
        return out;
    }
}
