package dev.t5j.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * t5x's token cross-entropy ({@code t5x/losses.py}): optional label smoothing and z-loss, weighted by
 * {@code decoder_loss_weights}, summed, then divided by a normalizing factor.
 */
public final class Losses {
    private Losses() {}

    /**
     * @param logits        [B, T, V]
     * @param targets       [B, T] int64 (any value where weight is 0)
     * @param weights       [B, T] float 0/1 (null: all ones)
     * @param zLoss         coefficient of {@code logsumexp(z)²} (t5x pre-training: 1e-4)
     * @param labelSmoothing ls: on-value 1-ls, off-value ls/(V-1); the constant minimum is subtracted as t5x does
     * @return the summed loss (a scalar tensor); divide by the normalizing factor as configured
     */
    public static Tensor crossEntropySum(Tensor logits, Tensor targets, Tensor weights, double zLoss,
            double labelSmoothing) {
        long v = logits.size(-1);
        Tensor z = logits.to(ScalarType.Float);
        Tensor logZ = torch.logsumexp(z, new long[]{-1}, true);          // [B, T, 1]
        Tensor logp = z.sub(logZ);
        Tensor safeTargets = targets.clamp_min(new Scalar(0L)).unsqueeze(2);
        Tensor tgt = torch.gather(logp, 2, safeTargets).squeeze(2);       // [B, T]
        Tensor tok;
        if (labelSmoothing > 0) {
            double conf = 1 - labelSmoothing;
            double low = labelSmoothing / (v - 1);
            double normalizing = -(conf * Math.log(conf) + (v - 1) * low * Math.log(low + 1e-20));
            Tensor sumAll = logp.sum(new long[]{-1}, false, new ScalarTypeOptional());
            tok = tgt.mul(new Scalar(-conf)).sub(sumAll.sub(tgt).mul(new Scalar(low))).sub(new Scalar(normalizing));
        } else {
            tok = tgt.neg();
        }
        if (zLoss > 0) tok = tok.add(logZ.squeeze(2).square().mul(new Scalar(zLoss)));
        if (weights != null) tok = tok.mul(weights.to(ScalarType.Float));
        return tok.sum();
    }

}
