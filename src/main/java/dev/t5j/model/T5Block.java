package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/** One transformer block: {@code layer.0} self-attention, ({@code layer.1} cross-attention,) then feed-forward. */
final class T5Block {
    final T5LayerSelfAttention selfAttention;
    final T5LayerCrossAttention crossAttention; // decoder only
    final T5LayerFF ff;

    T5Block(Params p, String prefix, T5Config c, boolean isDecoder, boolean hasRelativeAttentionBias) {
        selfAttention = new T5LayerSelfAttention(p, prefix + ".layer.0", c, isDecoder, hasRelativeAttentionBias);
        crossAttention = isDecoder ? new T5LayerCrossAttention(p, prefix + ".layer.1", c) : null;
        ff = new T5LayerFF(p, prefix + (isDecoder ? ".layer.2" : ".layer.1"), c);
    }

    Tensor forward(Tensor x, Tensor selfBias, Tensor encoderHidden, Tensor crossBias, boolean train,
            DecoderCache.Layer cache) {
        Tensor h = selfAttention.forward(x, selfBias, train, cache);
        if (crossAttention != null) h = crossAttention.forward(h, encoderHidden, crossBias, train, cache);
        return ff.forward(h, train);
    }

    /** Installs {@code h} (null removes it) on every sub-layer and linear map of this block. */
    void setHooks(ModelHooks h, boolean decoder, int index) {
        selfAttention.hooks = h;
        selfAttention.site = new ModelHooks.Site(decoder, index, ModelHooks.SubLayer.SELF_ATTENTION);
        selfAttention.selfAttention.hooks = h;
        if (crossAttention != null) crossAttention.encDecAttention.hooks = h;
        ff.hooks = h;
        ff.site = new ModelHooks.Site(decoder, index, ModelHooks.SubLayer.FEED_FORWARD);
        ff.denseReluDense.setHooks(h);
    }
}
