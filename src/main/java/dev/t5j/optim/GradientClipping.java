package dev.t5j.optim;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_ (scale by maxNorm / (norm + 1e-6)). */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (≤ 0 = never); returns the norm
     * before.
     */
    public static double clip(Iterable<Tensor> params, double maxNorm) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            double sq = 0;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g.defined()) sq += g.square().sum().item_float();
            }
            double norm = Math.sqrt(sq);
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                double scale = maxNorm / (norm + 1e-6);
                for (Tensor p : params) {
                    Tensor g = p.grad();
                    if (g.defined()) g.mul_(Tensors.scalar(scale));
                }
            }
            return norm;
        }
    }
}
