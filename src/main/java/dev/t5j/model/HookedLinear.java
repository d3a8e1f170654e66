package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/**
 * {@code x·Wᵀ} (or a decoding step's {@link InferenceLinear}) passed through {@link ModelHooks#afterLinear} when hooks
 * are installed (LoRA), else plain.
 */
final class HookedLinear {
    private HookedLinear() {}

    static Tensor apply(ModelHooks hooks, String weightName, Tensor x, Tensor w) {
        Tensor y = Linear.apply(x, w);
        return hooks == null ? y : hooks.afterLinear(weightName, x, y);
    }

    /** As above, in an incremental decoding step: the product through {@code step}'s copies of the weight. */
    static Tensor apply(ModelHooks hooks, String weightName, Tensor x, InferenceLinear step) {
        Tensor y = step.apply(x);
        return hooks == null ? y : hooks.afterLinear(weightName, x, y);
    }
}
