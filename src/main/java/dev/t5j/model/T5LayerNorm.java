package dev.t5j.model;

import dev.t5j.engine.Profiler;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.HalfFloats;
import org.bytedeco.javacpp.ShortPointer;
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
    /**
     * As {@link #JAVA_ROWS} for a bf16 model's rows: its libtorch path (HF's casts, six calls) took 16–18 µs a call
     * at 1–8 rows and 24 µs at 32, the Java loop (with its bf16 roundings) 3.6 µs at one row, 16 at 8 and 59 at 32
     * (1 thread, AMD Zen 5, scratch microbenchmark).
     */
    static final int JAVA_ROWS_BF16 = 8;
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
        ScalarType wt = weight.scalar_type().intern();
        if (xt == ScalarType.Float && wt == ScalarType.Float) {
            if (fewRowsApply(x, JAVA_ROWS)) return fewRows(x);
            // libtorch's rms_norm: the same formula in one call instead of seven (each costs microseconds through
            // the binding, 24 norms per decoding step); other dtypes keep HF's casts below
            return torch.rms_norm(x, normalizedShape, new TensorOptional(weight), new DoubleOptional(eps));
        }
        if (xt == ScalarType.BFloat16 && wt == ScalarType.BFloat16 && fewRowsApply(x, JAVA_ROWS_BF16))
            return fewRowsBf16(x);
        Tensor variance = x.to(ScalarType.Float).pow(new Scalar(2.0))
                .mean(new long[]{-1}, true, new ScalarTypeOptional());
        Tensor h = x.mul(torch.rsqrt(variance.add(new Scalar(eps))));
        if (wt == ScalarType.Half || wt == ScalarType.BFloat16) h = h.to(wt);
        return weight.mul(h);
    }

    /** Whether {@code x} is normed in Java: at most {@code rows} rows, no gradients, copies on, contiguous CPU rows. */
    private boolean fewRowsApply(Tensor x, int rows) {
        return x.numel() <= rows * normalizedShape[0] && !GradMode.is_enabled() && InferenceLinear.enabled()
                && !x.is_cuda() && x.is_contiguous();
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
            float inv = inverseRms(rows, o, d);
            for (int j = 0; j < d; j++) rows[o + j] = (rows[o + j] * inv) * w[j];
        }
        Tensor out = torch.empty_like(x);
        out.data_ptr_float().put(rows);
        return out;
    }

    /**
     * {@code rsqrt(mean(x²) + eps)} of the row of {@code d} values at {@code o}: the squares summed in double, four
     * partial sums.
     */
    private float inverseRms(float[] rows, int o, int d) {
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
        return (float) (1.0 / Math.sqrt((float) (squares / d) + eps));
    }

    /**
     * {@link #fewRows} for up to {@link #JAVA_ROWS_BF16} rows of a bf16 model (bf16 rows and weight), as HF's casts
     * in {@link #norm} compute it: the mean of squares in fp32 (here in double), {@code x · rsqrt(mean + eps)} in fp32
     * rounded to bf16, then times the weight rounded to bf16 (each rounding to nearest even, as libtorch's). At these
     * rows the six libtorch calls cost more than the norm's arithmetic.
     */
    private Tensor fewRowsBf16(Tensor x) {
        float[] w = rowWeight();
        int d = w.length;
        short[] bits = new short[(int) x.numel()];
        new ShortPointer(x.data_ptr()).get(bits);
        float[] rows = new float[bits.length];
        for (int i = 0; i < rows.length; i++) rows[i] = HalfFloats.bf16ToFloat(bits[i]);
        for (int o = 0; o < rows.length; o += d) {
            float inv = inverseRms(rows, o, d);
            for (int j = 0; j < d; j++) {
                float h = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(rows[o + j] * inv));
                bits[o + j] = HalfFloats.floatToBf16(w[j] * h);
            }
        }
        Tensor out = torch.empty_like(x);
        new ShortPointer(out.data_ptr()).put(bits);
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
