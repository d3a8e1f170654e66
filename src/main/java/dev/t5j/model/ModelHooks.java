package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Optional hooks into a {@link T5ForConditionalGeneration}'s forward pass, installed with
 * {@link T5ForConditionalGeneration#setHooks}: parameter-efficient methods (adapters, LoRA) live outside the model
 * classes and plug in here. Without hooks (the default, null) the model runs exactly the plain T5 code.
 */
public interface ModelHooks {
    /** Which sub-layer of a block an adapter follows (ruse/HyperFormer: self-attention and feed-forward, not cross). */
    enum SubLayer { SELF_ATTENTION, FEED_FORWARD }

    /** A sub-layer: stack (encoder or decoder), block index, kind. */
    record Site(boolean decoder, int layer, SubLayer kind) {}

    /**
     * The output {@code y} of a sub-layer ({@code SelfAttention(LN(h))} or {@code DenseReluDense(LN(h))}), before
     * dropout and the outer residual; returns what goes on in its place (ruse's adapter placement).
     */
    default Tensor afterSubLayer(Site site, Tensor y) {
        return y;
    }

    /**
     * The output {@code y = x·Wᵀ} of the linear map with HF weight name {@code weight} (e.g.
     * {@code encoder.block.0.layer.0.SelfAttention.q.weight}) for input {@code x}; returns its replacement (LoRA).
     */
    default Tensor afterLinear(String weight, Tensor x, Tensor y) {
        return y;
    }
}
