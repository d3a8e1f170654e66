package dev.t5j.model;

import dev.t5j.engine.PackedLinear;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * {@code x·Wᵀ} for the few rows of an incremental decoding step (gradients off, fp32), through copies of W laid out
 * for the step's row count; everything else takes {@link Linear}. Measured through libtorch with 1 thread and the
 * weights read from memory, not cache, as a decoding step reads them (BENCHMARKS.md, "Decoding: weight layouts"):
 * <ul>
 *   <li>2 to {@link #MAX_PACKED_ROWS} rows (batched greedy, beams): oneDNN with W packed once ({@link PackedLinear}).
 *       At 4 rows 1.6–2.1× faster than OpenBLAS (512→2048: 0.51 → 0.25 ms), at 32 rows 1.2–1.5× (0.77 → 0.51 ms);
 *       OpenBLAS packs the weights again on every call.</li>
 *   <li>one row, at least as many outputs as inputs (q/k/v stacked, {@code wi}, {@code o}): W stored transposed,
 *       which OpenBLAS streams at 24–27 GB/s against 18–20 GB/s for W as it is (512→1536: 0.17 → 0.12 ms; 512→512
 *       0.060 → 0.048 ms as a one-row product). Fewer outputs than inputs ({@code wo}) are faster as they are.</li>
 *   <li>one row against the lm head (more than {@link #MAX_TRANSPOSED_OUT} outputs): the packed copy, 2.6 ms against
 *       3.4 ms.</li>
 * </ul>
 * The copies are built on first use and rebuilt when the weights' version counters move (training in place between
 * decodes); {@link #free} drops them (the trainers call it through {@link T5ForConditionalGeneration#weightsChanged}
 * at every step, since the fused optimizer kernels bypass the counters). Several weights (q, k, v) can be stacked
 * into one product: one pass over the three matrices. The stacked weights are a detached copy: a product with
 * gradients on still reads them, so callers use the stacked form only in decoding steps, as before.
 */
final class DecodeLinear {
    /** Most rows that take the packed copy. */
    static final long MAX_PACKED_ROWS = 64;
    /** Output sizes up to which one row takes the transposed copy; larger (the vocabulary) take the packed one. */
    static final long MAX_TRANSPOSED_OUT = 16384;
    /**
     * Whether decoding steps use the copies: {@code T5J_DECODE_COPIES=0} turns them off for a process where the
     * memory matters more (they hold about the decoder's weights and the lm head once more; t5-small: 150–220 MB
     * more peak RSS).
     */
    private static volatile boolean enabled = !"0".equals(System.getenv("T5J_DECODE_COPIES"));

    private final Tensor[] parts;
    /** The parts stacked along the output axis (several parts only); null until used. */
    private Tensor stacked;
    private PackedLinear packed;
    /** W transposed, [in, out] contiguous; null until used. */
    private Tensor transposed;
    private long version = -1;
    /** Whether the weights can take the copies at all (2-D fp32 on the CPU, oneDNN present): set with the version. */
    private boolean supported;
    /** Whether packing this weight's shape was refused ({@link PackedLinear#pack} returned null). */
    private boolean unpackable;

    /** One weight [out, in], or several with the same input size whose products are computed as one. */
    DecodeLinear(Tensor... parts) {
        this.parts = parts;
    }

    /** How a product is computed. */
    enum Path {
        /** {@link Linear}: libtorch's product over W as it is (with gradients, other dtypes, many rows). */
        LINEAR,
        /** A one-row product over the transposed copy. */
        TRANSPOSED,
        /** oneDNN over the packed copy. */
        PACKED
    }

    /** The path for {@code rows} rows against W [out, in], gradients off and fp32 (the measured rules above). */
    static Path choose(long rows, long out, long in) {
        if (rows == 1 && out >= in && out <= MAX_TRANSPOSED_OUT) return Path.TRANSPOSED;
        if ((rows >= 2 && rows <= MAX_PACKED_ROWS) || (rows == 1 && out > MAX_TRANSPOSED_OUT)) return Path.PACKED;
        return Path.LINEAR;
    }

    /** {@code x·Wᵀ} for {@code x} [..., in]: [..., out] (the parts' outputs side by side). */
    Tensor apply(Tensor x) {
        if (!enabled) { // libtorch's product per part, no copy kept
            if (hasCopies()) free();
            if (parts.length == 1) return Linear.apply(x, parts[0]);
            TensorVector outs = new TensorVector();
            for (Tensor p : parts) outs.push_back(Linear.apply(x, p));
            return torch.cat(outs, -1);
        }
        Tensor w = weight();
        long in = x.size(-1);
        long rows = x.numel() / in;
        long out = w.size(0);
        Path path = !supported || GradMode.is_enabled() || x.scalar_type().intern() != ScalarType.Float
                ? Path.LINEAR : choose(rows, out, in);
        switch (path) {
            case TRANSPOSED -> {
                Tensor transposed = transposedCopy(w);
                long[] shape = new long[(int) x.dim()];
                Arrays.fill(shape, 1);
                shape[shape.length - 1] = out;
                // square weights: a one-row product over Wᵀ beats both matrix-vector forms (512²: 0.048 ms against
                // 0.056 and 0.060); wider ones: the matrix-vector product over Wᵀ
                return (out == in ? x.reshape(1, in).mm(transposed) : torch.mv(transposed.t(), x.reshape(in)))
                        .view(shape);
            }
            case PACKED -> {
                PackedLinear packed = packedCopy(w);
                return packed != null ? packed.apply(x) : Linear.apply(x, w);
            }
            default -> {
                return Linear.apply(x, w);
            }
        }
    }

    /** The transposed copy of {@code w}, built on first use. */
    private synchronized Tensor transposedCopy(Tensor w) {
        if (transposed == null) transposed = Tensors.keep(w.detach().t().contiguous());
        return transposed;
    }

    /** The packed copy of {@code w}, built on first use; null where oneDNN packs this shape wrongly. */
    private synchronized PackedLinear packedCopy(Tensor w) {
        if (packed == null && !unpackable) {
            // packed for one row: as fast at 32 rows as a 32-row packing (the lm head: 7.1 vs 7.7 ms), and at one
            // row 1.8 ms against 3.6 ms for the 32-row packing
            packed = PackedLinear.pack(w.detach(), 1);
            unpackable = packed == null; // a shape oneDNN gets wrong (PackedLinear.pack)
        }
        return packed;
    }

    /**
     * The weight the products use: the single part, or the stacked copy (rebuilt after any part changed). The copies
     * are built under this object's lock: a server scores on request threads while its batcher decodes, and both
     * reach the lm head's copies.
     */
    synchronized Tensor weight() {
        long v = 0;
        for (Tensor p : parts) v += p.__dispatch__version(); // counters only grow: the sum moves when one does
        if (v != version) {
            free();
            version = v;
            supported = PackedLinear.supports(parts[0]); // once per version, not per product (five native calls)
        }
        if (parts.length == 1) return parts[0];
        if (stacked == null) stacked = Tensors.keep(torch.cat(new TensorVector(parts), 0).detach());
        return stacked;
    }

    /** Turns the copies on or off ({@code T5J_DECODE_COPIES}); returns the previous setting (tests). */
    static boolean setEnabled(boolean on) {
        boolean was = enabled;
        enabled = on;
        return was;
    }

    /** Whether any copy is held (tests). */
    synchronized boolean hasCopies() {
        return stacked != null || packed != null || transposed != null;
    }

    /** Drops the copies; the next product rebuilds what it needs from the current weights. */
    synchronized void free() {
        Tensors.free(stacked);
        Tensors.free(transposed);
        if (packed != null) packed.close();
        stacked = transposed = null;
        packed = null;
        version = -1;
    }
}
