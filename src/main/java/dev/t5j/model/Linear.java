package dev.t5j.model;

import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code x·Wᵀ} without bias. A single input row (incremental decoding at batch 1) goes through a matrix-vector
 * product: OpenBLAS's sgemm with one row ran 3–17× slower than its sgemv on the same weights (measured on this
 * project's machine, 1 thread: 2048×512 weights 1.9 ms vs 0.13 ms; BENCHMARKS.md, decoding section).
 */
final class Linear {
    private Linear() {}

    static Tensor apply(Tensor x, Tensor w) {
        long in = x.size(-1);
        if (x.numel() != in) return torch.linear(x, w);
        long[] shape = new long[(int) x.dim()];
        Arrays.fill(shape, 1);
        shape[shape.length - 1] = w.size(0);
        return torch.mv(w, x.reshape(in)).view(shape);
    }
}
