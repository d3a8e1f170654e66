package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Pre-norm residual cross-attention sub-layer ({@code layer.1} of a decoder block): no position bias, only the
 * encoder padding mask. Keys/values of the encoder output are computed once per generation and cached.
 */
final class T5LayerCrossAttention {
    final T5Attention encDecAttention;
    final T5LayerNorm layerNorm;
    private final double dropout;

    T5LayerCrossAttention(Params p, String prefix, T5Config c) {
        encDecAttention = new T5Attention(p, prefix + ".EncDecAttention", c, true, false);
        layerNorm = new T5LayerNorm(p, prefix + ".layer_norm", c);
        dropout = c.dropoutRate();
    }

    Tensor forward(Tensor x, Tensor encoderHidden, Tensor crossBias, boolean train, DecoderCache.Layer cache) {
        Tensor normed = layerNorm.forward(x);
        Tensor keys;
        Tensor values;
        if (cache != null && cache.crossK != null) {
            keys = cache.crossK;
            values = cache.crossV;
        } else {
            keys = encDecAttention.shape(encoderHidden, encDecAttention.k);
            values = encDecAttention.shape(encoderHidden, encDecAttention.v);
            if (cache != null) cache.setCross(keys, values);
        }
        Tensor out = encDecAttention.attend(normed, keys, values, crossBias, train);
        return x.add(torch.dropout(out, dropout, train));
    }
}
