package dev.t5j.model;

import dev.t5j.engine.Profiler;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GradMode;
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
    /**
     * Up to this many rows without gradients are normed here ({@link #fewRows}): in a batch-32 decoding step
     * libtorch's {@code rms_norm} took 60–90 µs a call (18–27 ms over 16 steps of 19 norms), this loop 35–50 µs.
     */
    static final int JAVA_ROWS = 64;
    /** {@link #weight}'s values for {@link #fewRows}, with the version counter they were read at; null until used. */
    private volatile RowWeight rowWeight;

    private record RowWeight(float[] values, long version) {}

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
        if (xt == ScalarType.Float && weight.scalar_type().intern() == ScalarType.Float) {
            if (x.numel() <= JAVA_ROWS * normalizedShape[0] && !GradMode.is_enabled() && InferenceLinear.enabled()
                    && !x.is_cuda() && x.is_contiguous())
                return fewRows(x);
            // libtorch's rms_norm: the same formula in one call instead of seven (each costs microseconds through
            // the binding, 24 norms per decoding step); other dtypes keep HF's casts below
            return torch.rms_norm(x, normalizedShape, new TensorOptional(weight), new DoubleOptional(eps));
        }
        Tensor variance = x.to(ScalarType.Float).pow(new Scalar(2.0))
                .mean(new long[]{-1}, true, new ScalarTypeOptional());
        Tensor h = x.mul(torch.rsqrt(variance.add(new Scalar(eps))));
        ScalarType wt = weight.scalar_type().intern(); // JavaCPP hands out fresh enum objects: intern() before ==
        if (wt == ScalarType.Half || wt == ScalarType.BFloat16) h = h.to(wt);
        return weight.mul(h);
    }

    /**
     * Up to {@link #JAVA_ROWS} rows without gradients (decoding steps: 19 norms per step in t5-small), computed here:
     * libtorch's {@code rms_norm} is seven ops inside, 10–13 µs per call for one row at d_model 512 against 1.8 µs
     * for the copy out, the loop and the copy back (BENCHMARKS.md, "JVM collector"), and at 32 rows slower in a step
     * than this loop. Same formula as {@code rms_norm}: the mean of squares (summed in double here, four partial
     * sums), {@code x * rsqrt(mean + eps)}, then times the weight, in fp32. Keeps the weight's values, like
     * {@link InferenceLinear}'s copies, and not when those are turned off.
     */
    private Tensor fewRows(Tensor x) {
        float[] w = rowWeight();
        int d = w.length;
        float[] rows = new float[(int) x.numel()];
        x.data_ptr_float().get(rows);
        for (int o = 0; o < rows.length; o += d) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = o;
            for (; i + 3 < o + d; i += 4) {
                s0 += (double) rows[i] * rows[i];
                s1 += (double) rows[i + 1] * rows[i + 1];
                s2 += (double) rows[i + 2] * rows[i + 2];
                s3 += (double) rows[i + 3] * rows[i + 3];
            }
            for (; i < o + d; i++) s0 += (double) rows[i] * rows[i];
            double squares = (s0 + s1) + (s2 + s3);
            float inv = (float) (1.0 / Math.sqrt((float) (squares / d) + eps));
            for (int j = 0; j < d; j++) rows[o + j] = (rows[o + j] * inv) * w[j];
        }
        Tensor out = torch.empty_like(x);
        out.data_ptr_float().put(rows);
        return out;
    }

    /** The weight's values, read again when its version counter moved or {@link #freeInferenceCopies} dropped them. */
    private float[] rowWeight() {
        long version = weight.__dispatch__version();
        RowWeight r = rowWeight;
        if (r == null || r.version() != version) {
            r = new RowWeight(Tensors.toFloats(weight), version);
            rowWeight = r;
        }
        return r.values();
    }

    /**
     * Drops the weight values read for few-row norms: the fused optimizer kernels write the weights without moving
     * their version counters ({@link T5ForConditionalGeneration#weightsChanged}).
     */
    void freeInferenceCopies() {
        rowWeight = null;
    }

    /** Whether the weight values for few-row norms are held (tests). */
    boolean hasInferenceCopies() {
        return rowWeight != null;
    }
}
