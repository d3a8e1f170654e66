package dev.t5j.engine;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Inverted dropout in training, {@code x * mask} with {@code mask = keep / (1 - p)}, as libtorch's CPU
 * {@code torch.dropout(x, p, true)} computes it ({@code input * bernoulli_(1 - p).div_(1 - p)}), the same op for
 * autograd, but with the keep mask drawn here.
 *
 * <p>Why: libtorch's CPU {@code bernoulli_} draws one Mersenne-Twister number per element in a serial loop, ~7 ns an
 * element; PyTorch 2.13 from pip is as slow (BENCHMARKS.md, "Dropout"). A t5-small training step at 2 × 512/128
 * drops ~60 M elements, ~0.4 s of a 3 s step. Here each pair of elements takes one SplitMix64 output (Steele, Lea,
 * Flood 2014, the generator of {@code java.util.SplittableRandom}): its two 32-bit halves, each compared with
 * {@code p · 2^32}. That is finer than the 24-bit uniform floats {@code bernoulli_} compares.
 *
 * <p>Deterministic and resumable: the generator's state for element pair {@code j} is {@code seed + (j + 1) · γ}, so
 * any split into chunks (any thread count) gives the same mask, and the seed is one draw from libtorch's global
 * generator, which the run loop seeds per step: a resumed run draws the same masks.
 */
public final class Dropout {
    /** SplitMix64's increment, the golden gamma. */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** Elements per chunk: one thread's unit of work and the size of its staging array. */
    static final int CHUNK = 1 << 14;
    /** Below this many elements one thread draws the whole mask. */
    private static final long PARALLEL_MIN = 1L << 17;

    /** Each thread's staging arrays for whole chunks, copied into the mask with one native call. */
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[CHUNK]);
    private static final ThreadLocal<short[]> SHORTS = ThreadLocal.withInitial(() -> new short[CHUNK]);

    /** Threads for large masks, as many as libtorch's (a parallel stream runs in the pool that calls it). */
    private static ForkJoinPool pool;

    private Dropout() {}

    private static synchronized ForkJoinPool pool(int threads) {
        if (pool == null || pool.getParallelism() != threads) {
            if (pool != null) pool.shutdown();
            pool = new ForkJoinPool(threads);
        }
        return pool;
    }

    /** {@code torch.dropout(x, p, true)}: CPU float32 and bfloat16 tensors here, anything else by libtorch. */
    public static Tensor apply(Tensor x, double p) {
        if (!(p >= 0 && p <= 1)) // libtorch's check and message; NaN fails it too
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (p == 0) return x;
        ScalarType dt = x.scalar_type().intern(); // JavaCPP hands out fresh enum objects: intern() before ==
        if (p >= 1 || !x.is_cpu() || (dt != ScalarType.Float && dt != ScalarType.BFloat16))
            return torch.dropout(x, p, true);
        return x.mul(mask(x.sizes().vec().get(), dt, p, seed()));
    }

    /** One draw from libtorch's global generator: the mask's seed. */
    static long seed() {
        Tensor t = torch.empty(new long[]{1}, new TensorOptions(ScalarType.Long), new MemoryFormatOptional());
        return t.random_().item_long();
    }

    /**
     * The mask {@code keep / (1 - p)} of the given shape and dtype (float32 or bfloat16), element {@code i} kept when
     * its 32-bit draw is at least {@code ceil(p · 2^32)}.
     */
    static Tensor mask(long[] shape, ScalarType dtype, double p, long seed) {
        Tensor m = torch.empty(shape, new TensorOptions(dtype), new MemoryFormatOptional());
        long n = m.numel();
        long threshold = (long) Math.ceil(p * 4294967296.0);
        float scale = (float) (1.0 / (1.0 - p));
        boolean bf16 = dtype == ScalarType.BFloat16;
        // bfloat16: the scale rounded to nearest even as libtorch's div_ in bfloat16 rounds, drawn as the float whose
        // upper half those 16 bits are, then cut to them
        int bits = bf16 ? bf16Bits(scale) << 16 : Float.floatToRawIntBits(scale);
        FloatPointer floats = bf16 ? null : m.data_ptr_float();
        ShortPointer shorts = bf16 ? new ShortPointer(m.data_ptr()) : null;
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        IntConsumer fill = c -> {
            long start = (long) c * CHUNK;
            int len = (int) Math.min(CHUNK, n - start);
            float[] out = len == CHUNK ? FLOATS.get() : new float[len];
            fillFloats(out, start, seed, threshold, bits);
            if (bf16) {
                short[] cut = len == CHUNK ? SHORTS.get() : new short[len];
                for (int i = 0; i < len; i++) cut[i] = (short) (Float.floatToRawIntBits(out[i]) >>> 16);
                new ShortPointer(shorts).position(start).put(cut, 0, len);
            } else {
                new FloatPointer(floats).position(start).put(out, 0, len);
            }
        };
        int threads = Torch.threads();
        if (threads > 1 && n >= PARALLEL_MIN)
            pool(threads).submit(() -> IntStream.range(0, chunks).parallel().forEach(fill)).join();
        else
            for (int c = 0; c < chunks; c++) fill.accept(c);
        return m;
    }

    /** SplitMix64's output for state {@code s}. */
    static long mix(long s) {
        long z = (s ^ (s >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Elements {@code start ..} of the mask into {@code out}: pair {@code j} (elements 2j, 2j+1) from the high and low
     * halves of {@code mix(seed + (j + 1) γ)}. {@code start} is even (a chunk boundary). Branch-free: a kept element
     * is {@code bits}, a dropped one 0.
     */
    static void fillFloats(float[] out, long start, long seed, long threshold, int bits) {
        long s = seed + (start / 2) * GAMMA;
        int even = out.length & ~1;
        for (int i = 0; i < even; i += 2) {
            s += GAMMA;
            long z = mix(s);
            out[i] = Float.intBitsToFloat(bits & keep(z >>> 32, threshold));
            out[i + 1] = Float.intBitsToFloat(bits & keep(z & 0xFFFFFFFFL, threshold));
        }
        if (even < out.length) out[even] = Float.intBitsToFloat(bits & keep(mix(s + GAMMA) >>> 32, threshold));
    }

    /** All ones (-1) when the 32-bit draw {@code u} is at least {@code threshold}, else 0; no branch. */
    private static int keep(long u, long threshold) {
        return (int) ((threshold - 1 - u) >> 63);
    }

    /** bfloat16 bits of {@code f} (finite), rounded to nearest even. */
    static int bf16Bits(float f) {
        int b = Float.floatToRawIntBits(f);
        return ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16) & 0xFFFF;
    }
}
