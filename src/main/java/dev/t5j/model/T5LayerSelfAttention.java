package dev.t5j.model;

import dev.t5j.engine.Profiler;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Pre-norm residual self-attention sub-layer ({@code layer.0}); in the decoder its keys/values grow in the cache. */
final class T5LayerSelfAttention {
    final T5Attention selfAttention;
    final T5LayerNorm layerNorm;
    private final double dropout;
    /** Null = plain T5; see {@link ModelHooks#afterSubLayer}. */
    ModelHooks hooks;
    ModelHooks.Site site;

    T5LayerSelfAttention(Params p, String prefix, T5Config c, boolean isDecoder, boolean hasRelativeAttentionBias) {
        selfAttention = new T5Attention(p, prefix + ".SelfAttention", c, isDecoder, hasRelativeAttentionBias);
        layerNorm = new T5LayerNorm(p, prefix + ".layer_norm", c);
        dropout = c.dropoutRate();
    }

    Tensor forward(Tensor x, Tensor bias, boolean train, DecoderCache.Layer cache) {
        long t0 = Profiler.start();
        Tensor y = timedForward(x, bias, train, cache);
        Profiler.stop(Profiler.Kind.SELF_ATTENTION, t0);
        return y;
    }

    private Tensor timedForward(Tensor x, Tensor bias, boolean train, DecoderCache.Layer cache) {
        Tensor normed = layerNorm.forward(x);
        Tensor out;
        if (cache == null && GradMode.is_enabled()) {
            Tensor keys = selfAttention.shape(normed, selfAttention.k);
            Tensor values = selfAttention.shape(normed, selfAttention.v);
            out = selfAttention.attend(normed, keys, values, bias, train);
        } else if (cache == null) {
            // without gradients (the encoder of a generation, scoring): one stacked product, the fused attention
            Tensor[] qkv = selfAttention.projectQkv(normed);
            out = selfAttention.attendStep(qkv[0], qkv[1], qkv[2], bias, train, null);
        } else {
            // incremental decoding: one stacked q/k/v product, keys/values written into the cache's buffers in place
            Tensor[] qkv = selfAttention.projectQkv(normed);
            cache.appendSelf(qkv[1], qkv[2]);
            out = selfAttention.attendStep(qkv[0], cache.selfK, cache.selfV, bias, train, null);
        }
        if (hooks != null) out = hooks.afterSubLayer(site, out);
        return x.add(Activations.dropout(out, dropout, train));
    }
}
