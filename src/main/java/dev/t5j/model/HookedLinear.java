package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/**
 * {@code x·Wᵀ} (or an {@link InferenceLinear}'s product) passed through {@link ModelHooks#afterLinear} when hooks are
 * installed (LoRA), else plain.
 */
final class HookedLinear {
    private HookedLinear() {}

    static Tensor apply(ModelHooks hooks, String weightName, Tensor x, Tensor w) {
        Tensor y = Linear.apply(x, w);
        return hooks == null ? y : hooks.afterLinear(weightName, x, y);
    }

    /** As above, the product through {@code product} (its weight copies when gradients are off). */
    static Tensor apply(ModelHooks hooks, String weightName, Tensor x, InferenceLinear product) {
        Tensor y = product.apply(x);
        return hooks == null ? y : hooks.afterLinear(weightName, x, y);
    }
}
