package dev.t5j.model;

import org.bytedeco.pytorch.Scalar;
import dev.t5j.engine.Profiler;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** RMS norm without mean subtraction or bias, variance in fp32: {@code weight * x * rsqrt(mean(x²) + eps)}. */
final class T5LayerNorm {
    final Tensor weight;
    private final double eps;

    T5LayerNorm(Params p, String prefix, T5Config c) {
        this.weight = p.constant(prefix + ".weight", c.initializerFactor(), c.dModel());
        this.eps = c.layerNormEpsilon();
    }

    Tensor forward(Tensor x) {
        long t0 = Profiler.start();
        Tensor h = norm(x);
        Profiler.stop(Profiler.Kind.LAYER_NORM, t0);
        return h;
    }

    private Tensor norm(Tensor x) {
        Tensor variance = x.to(ScalarType.Float).pow(new Scalar(2.0))
                .mean(new long[]{-1}, true, new ScalarTypeOptional());
        Tensor h = x.mul(torch.rsqrt(variance.add(new Scalar(eps))));
        ScalarType wt = weight.scalar_type().intern(); // JavaCPP hands out fresh enum objects: intern() before ==
        if (wt == ScalarType.Half || wt == ScalarType.BFloat16) h = h.to(wt);
        return weight.mul(h);
    }
}
