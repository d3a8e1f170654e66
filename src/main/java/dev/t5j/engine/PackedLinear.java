package dev.t5j.engine;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code x·Wᵀ} through oneDNN with the weight packed once into oneDNN's blocked layout, for inference: OpenBLAS
 * packs the weight again on every call, which for the lm head (32128 × 512, 66 MB) costs more than the product.
 * Measured through libtorch, 1 thread, fp32 (BENCHMARKS.md, decoding section): the lm head at 32 rows 16.8 → 9.0 ms,
 * at 1 row 10.5 ms (`mv`: 2.3–3.7 ms) → 1.74 ms.
 *
 * <p>The two ops are libtorch's ({@code mkldnn::_reorder_linear_weight} and
 * {@code mkldnn::_linear_pointwise}, the ones PyTorch's inductor uses for linears with prepacked weights); the presets
 * do not map them, so they are called through the dispatcher with a boxed stack, as {@link FusedOps} does. No
 * autograd through the packed copy: callers use it only with gradients off. The copy does not follow the source
 * weight: the owner rebuilds it when the weight changes.
 */
public final class PackedLinear implements AutoCloseable {
    private static volatile OperatorHandle reorderOp;
    private static volatile OperatorHandle linearOp;
    private static volatile Boolean available;
    /** Shapes [out, in, threads, dtype] whose packing failed the check in {@link #pack} (or could not be made). */
    private static final Set<List<Object>> WRONG_SHAPES = ConcurrentHashMap.newKeySet();

    /**
     * The op's constant arguments (no bias, no fused activation, no scalars, default algorithm), boxed once: boxing
     * them on every call cost more than the oneDNN call itself (measured on a 64×64 weight at one row: 40–47 µs per
     * product against 15–22 µs with them boxed once). The stack copies them (a reference count), so threads share
     * them.
     */
    private static IValue none;
    private static IValue noActivation;
    private static IValue noScalars;

    private final Tensor packed;
    /** {@link #packed} boxed once, as the constants. */
    private final IValue packedArg;
    private final long outFeatures;
    private final long inFeatures;

    private PackedLinear(Tensor packed, long outFeatures, long inFeatures) {
        this.packed = packed;
        this.packedArg = Tensors.keepPointer(new IValue(packed));
        this.outFeatures = outFeatures;
        this.inFeatures = inFeatures;
    }

    /**
     * Whether {@code w} can be packed: libtorch was built with oneDNN (its ops are registered), the weight is a 2-D
     * fp32 or bf16 tensor on the CPU. bf16 at one row: 1.6–1.9× faster than the fastest fp32 product of the same
     * shape (half the bytes), and 1.7× faster than libtorch's bf16 {@code linear} (BENCHMARKS.md, "bf16 decoding").
     */
    public static boolean supports(Tensor w) {
        ScalarType t = w.scalar_type().intern();
        return w.dim() == 2 && (t == ScalarType.Float || t == ScalarType.BFloat16) && !w.is_cuda() && opsAvailable();
    }

    /**
     * Packs {@code w} [out, in] for products of about {@code rows} rows (oneDNN picks its blocking from it), or
     * returns null where the packing is wrong. This libtorch's oneDNN reorder packs some fp32 shapes wrongly, and
     * which ones depends on the thread count it runs with (measured, every row count 1–64 alike: 200×512, 300×32 and
     * 520×512 wrong at 1 and 2 threads, 48×32 only at 1, 64×32 and 128×32 only at 2; T5's shapes (512×512,
     * 1536×512, 2048×512, 512×2048, 32128×512) right at both). The product itself does not depend on the thread count,
     * so a packing that computes right once stays right. So every packing is checked against libtorch's linear on
     * two fixed probe rows, and a shape that fails is remembered, per thread count, and not packed again.
     */
    public static PackedLinear pack(Tensor w, long rows) {
        return pack(w, rows, w);
    }

    /**
     * {@link #pack}, with the packing checked against {@code reference} instead of {@code w} itself: a test packs one
     * weight and checks it against another of the same shape to reach the refusal, which this CPU's oneDNN may never
     * need (the wrong shapes above were found on AMD Zen 5; on Zen 4 every shape tried packed right at 1 thread).
     */
    static PackedLinear pack(Tensor w, long rows, Tensor reference) {
        if (!supports(w)) throw new IllegalArgumentException("PackedLinear needs a 2-D fp32 or bf16 CPU weight and a "
                + "libtorch with oneDNN (see supports)");
        ScalarType dtype = w.scalar_type().intern();
        List<Object> shape = List.of(w.size(0), w.size(1), torch.get_num_threads(), dtype.name());
        if (WRONG_SHAPES.contains(shape)) return null;
        PackedLinear p = null;
        try (PointerScope s = new PointerScope()) {
            IValueVector stack = new IValueVector();
            stack.push_back(new IValue(w.contiguous()));
            stack.push_back(new IValue(rows));
            reorderOp.callBoxed(stack);
            // toTensor() points into the stack's IValue: copy the handle (a new reference) before the stack goes
            p = new PackedLinear(Tensors.keep(new Tensor(stack.get(0).toTensor())), w.size(0), w.size(1));
            if (agrees(p, reference, dtype)) return p;
        } catch (RuntimeException e) {
            // oneDNN without a kernel for this dtype on this CPU (bf16 without AVX-512): libtorch's linear instead
        }
        if (p != null) p.close();
        WRONG_SHAPES.add(shape);
        return null;
    }

    /**
     * Whether the packed product equals libtorch's linear (to fp32 rounding, or bf16's for a bf16 weight) on two fixed,
     * non-random rows.
     */
    private static boolean agrees(PackedLinear p, Tensor w, ScalarType dtype) {
        int in = (int) w.size(1);
        float[] probe = new float[2 * in];
        for (int i = 0; i < probe.length; i++) probe[i] = (float) Math.sin(0.37 * i + 0.11);
        boolean bf16 = dtype == ScalarType.BFloat16;
        Tensor x = Tensors.floats(probe, 2, in).to(dtype);
        // the reference in fp32 from the same (bf16-rounded) inputs; a bf16 output is itself rounded to 2^-8
        Tensor want = torch.linear(x.to(ScalarType.Float), w.detach().to(ScalarType.Float));
        double scale = want.abs().max().item_double() + 1e-6;
        Tensor got = p.apply(x).to(ScalarType.Float);
        return got.sub(want).abs().max().item_double() <= (bf16 ? 1e-2 : 1e-4) * scale;
    }

    /** {@code x·Wᵀ} for {@code x} [..., in] (the weight's dtype, CPU); the result [..., out] is a dense tensor. */
    public Tensor apply(Tensor x) {
        long rows = x.numel() / inFeatures;
        long[] shape = x.sizes().vec().get();
        shape[shape.length - 1] = outFeatures;
        IValueVector stack = new IValueVector();
        stack.push_back(new IValue(x.is_contiguous() ? x.view(rows, inFeatures)
                : x.reshape(rows, inFeatures).contiguous()));
        stack.push_back(packedArg);
        stack.push_back(none); // no bias
        stack.push_back(noActivation);
        stack.push_back(noScalars);
        stack.push_back(none); // algorithm
        linearOp.callBoxed(stack);
        return new Tensor(stack.get(0).toTensor()).view(shape); // a handle of its own, as in pack
    }

    @Override
    public void close() {
        packedArg.close();
        Tensors.free(packed);
    }

    /** The op's {@code Scalar?[] scalars} argument, empty: a list typed Optional[Number] (the unboxing checks it). */
    private static GenericList emptyScalarList() {
        return new GenericList(OptionalType.get(new Type.TypePtr(new SingletonTypePtr(
                NumberType.getNumberIntTypePtr().get()))));
    }

    private static boolean opsAvailable() {
        if (available == null) {
            synchronized (PackedLinear.class) {
                if (available == null) {
                    Torch.init();
                    try {
                        reorderOp = Tensors.keepPointer(Dispatcher.singleton()
                                .findSchemaOrThrow("mkldnn::_reorder_linear_weight", ""));
                        linearOp = Tensors.keepPointer(Dispatcher.singleton()
                                .findSchemaOrThrow("mkldnn::_linear_pointwise", ""));
                        none = Tensors.keepPointer(new IValue());
                        noActivation = Tensors.keepPointer(new IValue("none"));
                        noScalars = Tensors.keepPointer(new IValue(emptyScalarList()));
                        available = true;
                    } catch (RuntimeException e) { // a libtorch built without oneDNN
                        available = false;
                    }
                }
            }
        }
        return available;
    }
}
