package dev.t5j.model;

import dev.t5j.engine.Profiler;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Pre-norm residual feed-forward sub-layer: {@code x + dropout(DenseReluDense(layer_norm(x)))}. */
final class T5LayerFF {
    final FeedForward denseReluDense;
    final T5LayerNorm layerNorm;
    private final double dropout;
    /** Null = plain T5; see {@link ModelHooks#afterSubLayer}. */
    ModelHooks hooks;
    ModelHooks.Site site;

    T5LayerFF(Params p, String prefix, T5Config c) {
        denseReluDense = c.isGatedAct()
                ? new T5DenseGatedActDense(p, prefix + ".DenseReluDense", c)
                : new T5DenseActDense(p, prefix + ".DenseReluDense", c);
        layerNorm = new T5LayerNorm(p, prefix + ".layer_norm", c);
        dropout = c.dropoutRate();
    }

    Tensor forward(Tensor x, boolean train) {
        long t0 = Profiler.start();
        Tensor h = denseReluDense.forward(layerNorm.forward(x), train);
        if (hooks != null) h = hooks.afterSubLayer(site, h);
        Tensor y = x.add(Activations.dropout(h, dropout, train));
        Profiler.stop(Profiler.Kind.FEED_FORWARD, t0);
        return y;
    }
}
