package dev.t5j.model;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * {@code x·Wᵀ} without bias, with two shapes of few rows routed around OpenBLAS's weak spots (measured on this
 * project's machine, 1 thread, AVX-512 kernels; BENCHMARKS.md, decoding section):
 * <ul>
 *   <li>a single input row goes through a matrix-vector product: sgemm with one row ran 3–17× slower than sgemv on
 *       the same weights (2048×512: 1.9 ms vs 0.13 ms);</li>
 *   <li>2 to 32 rows without gradients against a layer's weights of at least half a million entries compute
 *       {@code (W·xᵀ)ᵀ}: OpenBLAS then packs the few input rows instead of the weights, 20–50 % faster (2048×512 at
 *       32 rows: 0.72 vs 0.57 ms; 512×2048: 0.84 vs 0.53 ms). Not the lm head, where it was slower from 16 rows,
 *       and not in training, whose products keep libtorch's linear and its backward.</li>
 * </ul>
 * Passes without gradients take {@link InferenceLinear}'s copies first; these rules serve the products with hooks
 * installed (adapters, LoRA), weights oneDNN cannot pack or whose copies are turned off or over their budget.
 */
final class Linear {
    /** Most rows that take the transposed product. */
    static final long MAX_TRANSPOSED_ROWS = 32;
    /** Weight sizes (entries) that take it: the attention and feed-forward matrices of t5-small and up. */
    static final long MIN_TRANSPOSED_WEIGHT = 1L << 19;
    /** Larger output sizes (the lm head's vocabulary) keep libtorch's linear. */
    static final long MAX_TRANSPOSED_OUT = 16384;

    private Linear() {}

    static Tensor apply(Tensor x, Tensor w) {
        long in = x.size(-1);
        long rows = x.numel() / in;
        if (rows == 1) {
            long[] shape = new long[(int) x.dim()];
            Arrays.fill(shape, 1);
            shape[shape.length - 1] = w.size(0);
            return torch.mv(w, x.reshape(in)).view(shape);
        }
        if (rows <= MAX_TRANSPOSED_ROWS && w.numel() >= MIN_TRANSPOSED_WEIGHT && w.size(0) <= MAX_TRANSPOSED_OUT
                && !GradMode.is_enabled()) {
            long[] shape = x.sizes().vec().get();
            shape[shape.length - 1] = w.size(0);
            return w.mm(x.reshape(rows, in).t()).t().contiguous().view(shape);
        }
        return torch.linear(x, w);
    }
}
