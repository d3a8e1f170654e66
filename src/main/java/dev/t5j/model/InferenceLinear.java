package dev.t5j.model;

import com.sun.management.OperatingSystemMXBean;
import dev.t5j.common.UserError;
import dev.t5j.engine.PackedLinear;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code x·Wᵀ} for passes without gradients in fp32 (decoding steps, the encoder and cross-attention keys/values of
 * a generation, scoring, evaluation), through copies of W laid out for the row count; with gradients (training) the
 * product reads the parameters themselves through {@link Linear}. Measured through libtorch with the weights read as
 * a pass reads them (BENCHMARKS.md, "Decoding: weight layouts" and "Inference products"):
 * <ul>
 *   <li>two rows or more (batched steps, beams, the encoder, teacher-forced scoring): oneDNN with W packed once
 *       ({@link PackedLinear}). OpenBLAS packs the weights again on every call: at 4 rows 1.6–2.1× faster
 *       (512→2048: 0.51 → 0.25 ms), at 32 rows 1.2–1.5×, at 64 rows 1.3–1.6× (1 thread) and 1.6–2.0× (2 threads),
 *       at 2048 rows 1.05–1.09× (1 thread) and 1.1–1.2× (2 threads).</li>
 *   <li>one row, at least as many outputs as inputs (q/k/v stacked, {@code wi}, {@code o}, the lm head): a
 *       matrix-vector product over W stored transposed, which OpenBLAS streams faster than W as it is. Fewer outputs
 *       than inputs ({@code wo}) are faster as they are. This is the choice that is best or close to it on both CPUs
 *       measured: on AMD Zen 4 (1 thread, weights read from memory) 512→1536 0.26 → 0.14 ms, 512² 0.083 → 0.072 ms
 *       (a one-row {@code mm} over Wᵀ: 0.107), the lm head 2.2–2.5 ms against 3.0–3.9 ms for the packed copy; on
 *       Zen 5 the packed head was 6 % faster (2.61 against 2.77 ms) and squares as a one-row {@code mm} 10 % (0.048
 *       against 0.051–0.056 ms).</li>
 * </ul>
 * The copies are built on first use and rebuilt when the weights' version counters move (training in place between
 * decodes); {@link #free} drops them (the trainers call it through {@link T5ForConditionalGeneration#weightsChanged}
 * at every step, since the fused optimizer kernels bypass the counters). Several weights (q, k, v) can be stacked
 * into one product: one pass over the matrices; with gradients on, a stacked product is computed part by part from
 * the parameters, so its gradients reach them. All copies together stay within a budget ({@link #budgetBytes}); a
 * weight whose copy would exceed it is read as it is.
 */
final class InferenceLinear {
    /**
     * Whether inference passes use the copies: {@code T5J_DECODE_COPIES=0} turns them off for a process where the
     * memory matters more (they hold about the model's weights once more; t5-small: 250–270 MB more peak RSS in
     * {@code t5j bench decode}).
     */
    private static volatile boolean enabled = !"0".equals(System.getenv("T5J_DECODE_COPIES"));
    /**
     * Most bytes all copies of the process hold together: {@code T5J_DECODE_COPIES_MB}, else a quarter of the
     * machine's memory (a t5-3b's copies would otherwise double its 11 GB).
     */
    private static volatile long budgetBytes = -1; // read on first use: a bad value is a UserError, not a class error
    /** Bytes held by all copies of the process. */
    private static final AtomicLong heldBytes = new AtomicLong();

    private final Tensor[] parts;
    /** The parts stacked along the output axis (several parts only); null until used. */
    private Tensor stacked;
    private PackedLinear packed;
    /** W [out, in] as a view of its transpose stored contiguous ([in, out]); null until used. */
    private Tensor transposed;
    /** Bytes of this object's copies, counted in {@link #heldBytes}. */
    private long bytes;
    private long version = -1;
    /** Whether the weights can take the copies at all (2-D fp32 on the CPU, oneDNN present): set with the version. */
    private boolean supported;
    /** The weights' dtype, read with {@link #supported}. */
    private ScalarType weightType;
    /** Whether packing this weight's shape was refused ({@link PackedLinear#pack} returned null). */
    private boolean unpackable;

    /** One weight [out, in], or several with the same input size whose products are computed as one. */
    InferenceLinear(Tensor... parts) {
        this.parts = parts;
    }

    /** How a product is computed. */
    enum Path {
        /** {@link Linear}: libtorch's product over W as it is (with gradients, other dtypes, {@code wo} at 1 row). */
        LINEAR,
        /** A one-row product over the transposed copy. */
        TRANSPOSED,
        /** oneDNN over the packed copy. */
        PACKED
    }

    /** The path for {@code rows} rows against W [out, in], gradients off and fp32 (the measured rules above). */
    static Path choose(long rows, long out, long in) {
        if (rows >= 2) return Path.PACKED;
        return out >= in ? Path.TRANSPOSED : Path.LINEAR;
    }

    /** {@code x·Wᵀ} for {@code x} [..., in]: [..., out] (the parts' outputs side by side). */
    Tensor apply(Tensor x) {
        if (!enabled) { // libtorch's product per part, no copy kept
            if (hasCopies()) free();
            return perPart(x);
        }
        if (GradMode.is_enabled()) return perPart(x); // the parameters themselves, for autograd
        Tensor w = weight();
        if (w == null) return perPart(x); // the stacked copy is over the budget
        long in = x.size(-1);
        long rows = x.numel() / in;
        long out = w.size(0);
        ScalarType t = x.scalar_type().intern();
        Path path = !supported || t != weightType ? Path.LINEAR
                : t == ScalarType.BFloat16 ? Path.PACKED : choose(rows, out, in);
        switch (path) {
            case TRANSPOSED -> {
                Tensor transposed = transposedCopy(w);
                if (transposed == null) return Linear.apply(x, w);
                long[] shape = new long[(int) x.dim()];
                Arrays.fill(shape, 1);
                shape[shape.length - 1] = out;
                return torch.mv(transposed, x.reshape(in)).view(shape);
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

    /** The product from the parameters themselves, part by part (gradients on, copies off or over the budget). */
    private Tensor perPart(Tensor x) {
        if (parts.length == 1) return Linear.apply(x, parts[0]);
        TensorVector outs = new TensorVector();
        for (Tensor p : parts) outs.push_back(Linear.apply(x, p));
        return torch.cat(outs, -1);
    }

    /**
     * W [out, in] over its transposed copy (Wᵀ stored contiguous), built on first use: kept as the view {@code mv}
     * takes, which saves a {@code t()} call per product (a batch-1 step makes 37).
     */
    private synchronized Tensor transposedCopy(Tensor w) {
        if (transposed == null && reserve(w.numel() * w.element_size()))
            transposed = Tensors.keep(w.detach().t().contiguous().t());
        return transposed;
    }

    /** The packed copy of {@code w}, built on first use; null where oneDNN packs this shape wrongly. */
    private synchronized PackedLinear packedCopy(Tensor w) {
        if (packed == null && !unpackable && reserve(w.numel() * w.element_size())) {
            // packed for one row: as fast at 32 rows as a 32-row packing (the lm head: 7.1 vs 7.7 ms), and at one
            // row 1.8 ms against 3.6 ms for the 32-row packing
            packed = PackedLinear.pack(w.detach(), 1);
            unpackable = packed == null; // a shape oneDNN gets wrong (PackedLinear.pack)
            if (unpackable) release(w.numel() * w.element_size());
        }
        return packed;
    }

    /**
     * The weight the products use: the single part, or the stacked copy (rebuilt after any part changed; null when it
     * would exceed the budget). The copies are built under this object's lock: a server scores on request threads
     * while its batcher decodes, and both reach the lm head's copies.
     */
    synchronized Tensor weight() {
        long v = 0;
        for (Tensor p : parts) v += p.__dispatch__version(); // counters only grow: the sum moves when one does
        if (v != version) {
            free();
            version = v;
            supported = PackedLinear.supports(parts[0]); // once per version, not per product (five native calls)
            weightType = parts[0].scalar_type().intern();
        }
        if (parts.length == 1) return parts[0];
        if (stacked == null) {
            long n = 0;
            for (Tensor p : parts) n += p.numel() * p.element_size();
            if (!reserve(n)) return null;
            stacked = Tensors.keep(torch.cat(new TensorVector(parts), 0).detach());
        }
        return stacked;
    }

    /** Whether inference passes use copies of the weights ({@code T5J_DECODE_COPIES}). */
    static boolean enabled() {
        return enabled;
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
        release(bytes);
    }

    /**
     * Reads the budget setting if not read yet: a bad {@code T5J_DECODE_COPIES_MB} is a UserError when a model is
     * built, not later inside a server's decoding thread.
     */
    static void checkBudget() {
        if (budgetBytes < 0) budgetBytes = defaultBudget();
    }

    /** Counts {@code n} more bytes of copies for this object, unless the process's copies would exceed the budget. */
    private boolean reserve(long n) {
        checkBudget();
        for (long held = heldBytes.get(); held + n <= budgetBytes; held = heldBytes.get()) {
            if (heldBytes.compareAndSet(held, held + n)) {
                bytes += n;
                return true;
            }
        }
        return false;
    }

    private void release(long n) {
        heldBytes.addAndGet(-n);
        bytes -= n;
    }

    private static long defaultBudget() {
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        return budgetFrom(System.getenv("T5J_DECODE_COPIES_MB"), os.getTotalMemorySize());
    }

    /** The budget in bytes: {@code mb} MiB ({@code T5J_DECODE_COPIES_MB}), else a quarter of {@code memoryBytes}. */
    static long budgetFrom(String mb, long memoryBytes) {
        if (mb == null || mb.isBlank()) return memoryBytes / 4;
        try {
            long v = Long.parseLong(mb.trim());
            if (v >= 0 && v < 1L << 43) return v << 20;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("T5J_DECODE_COPIES_MB must be a whole number of MiB (0 or more), got '" + mb + "'");
    }

    /** Sets the budget of all copies in bytes; returns the previous one (tests). */
    static long setBudgetBytes(long b) {
        long was = budgetBytes;
        budgetBytes = b;
        return was;
    }

    /** Bytes all copies of the process hold (tests). */
    static long heldBytes() {
        return heldBytes.get();
    }
}
