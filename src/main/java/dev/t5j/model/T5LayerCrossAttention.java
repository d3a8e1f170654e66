package dev.t5j.model;

import dev.t5j.engine.Profiler;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * Pre-norm residual cross-attention sub-layer ({@code layer.1} of a decoder block): no position bias, only the
 * encoder padding mask. Keys/values of the encoder output are computed once per generation and cached.
 */
final class T5LayerCrossAttention {
    final T5Attention encDecAttention;
    final T5LayerNorm layerNorm;
    private final double dropout;
    /** When set, each forward appends mean over heads of (attention probability × value norm), [B, T, K]. */
    List<Tensor> probe;

    T5LayerCrossAttention(Params p, String prefix, T5Config c) {
        encDecAttention = new T5Attention(p, prefix + ".EncDecAttention", c, true, false);
        layerNorm = new T5LayerNorm(p, prefix + ".layer_norm", c);
        dropout = c.dropoutRate();
    }

    Tensor forward(Tensor x, Tensor encoderHidden, Tensor crossBias, boolean train, DecoderCache.Layer cache) {
        long t0 = Profiler.start();
        Tensor y = timedForward(x, encoderHidden, crossBias, train, cache);
        Profiler.stop(Profiler.Kind.CROSS_ATTENTION, t0);
        return y;
    }

    private Tensor timedForward(Tensor x, Tensor encoderHidden, Tensor crossBias, boolean train,
            DecoderCache.Layer cache) {
        Tensor normed = layerNorm.forward(x);
        Tensor keys;
        Tensor values;
        if (cache != null && cache.crossK != null) {
            keys = cache.crossK;
            values = cache.crossV;
        } else {
            Tensor[] kv = encDecAttention.projectKv(encoderHidden);
            keys = kv[0];
            values = kv[1];
            if (cache != null) { // the cached form (contiguous, fp32) from the first step on
                cache.setCross(keys, values);
                keys = cache.crossK;
                values = cache.crossV;
            }
        }
        Tensor[] weights = probe == null ? null : new Tensor[1];
        Tensor out = cache == null && GradMode.is_enabled()
                ? encDecAttention.attend(normed, keys, values, crossBias, train, weights)
                : encDecAttention.attendStep(encDecAttention.projectQuery(normed), keys, values, crossBias, train,
                        weights);
        if (probe != null) {
            // Atlas's "norms" aggregate (evalnormsum): attention probability scaled by the L2 norm of the value it
            // reads.
            // [B, h, K]
            Tensor vNorm = values.to(torch.ScalarType.Float).square().sum(new long[]{-1}, false,
                    new ScalarTypeOptional()).sqrt();
            probe.add(weights[0].to(torch.ScalarType.Float).mul(vNorm.unsqueeze(2)).mean(new long[]{1}, false,
                    new ScalarTypeOptional()));
        }
        return x.add(Activations.dropout(out, dropout, train));
    }
}
