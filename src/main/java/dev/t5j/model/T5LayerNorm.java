package dev.t5j.model;

import dev.t5j.engine.Profiler;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** RMS norm without mean subtraction or bias, variance in fp32: {@code weight * x * rsqrt(mean(x²) + eps)}. */
final class T5LayerNorm {
    final Tensor weight;
    private final double eps;
    /** rms_norm's normalized shape: the last axis, d_model. */
    private final long[] normalizedShape;

    T5LayerNorm(Params p, String prefix, T5Config c) {
        this.weight = p.constant(prefix + ".weight", c.initializerFactor(), c.dModel());
        this.eps = c.layerNormEpsilon();
        this.normalizedShape = new long[]{c.dModel()};
    }

    Tensor forward(Tensor x) {
        long t0 = Profiler.start();
        Tensor h = norm(x);
        Profiler.stop(Profiler.Kind.LAYER_NORM, t0);
        return h;
    }

    private Tensor norm(Tensor x) {
        ScalarType xt = x.scalar_type().intern(); // JavaCPP hands out fresh enum objects: intern() before ==
        if (xt == ScalarType.Float && weight.scalar_type().intern() == ScalarType.Float)
            // libtorch's rms_norm: the same formula in one call instead of seven (each costs microseconds through
            // the binding, 24 norms per decoding step); other dtypes keep HF's casts below
            return torch.rms_norm(x, normalizedShape, new TensorOptional(weight), new DoubleOptional(eps));
        Tensor variance = x.to(ScalarType.Float).pow(new Scalar(2.0))
                .mean(new long[]{-1}, true, new ScalarTypeOptional());
        Tensor h = x.mul(torch.rsqrt(variance.add(new Scalar(eps))));
        ScalarType wt = weight.scalar_type().intern(); // JavaCPP hands out fresh enum objects: intern() before ==
        if (wt == ScalarType.Half || wt == ScalarType.BFloat16) h = h.to(wt);
        return weight.mul(h);
    }
}
