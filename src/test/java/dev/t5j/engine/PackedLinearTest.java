package dev.t5j.engine;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PackedLinear}: oneDNN's product on a weight packed once equals libtorch's {@code linear}. */
class PackedLinearTest {
    @Test
    void packedProductEqualsLinearForDecodingShapes() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            torch.manual_seed(11);
            Tensor w = torch.randn(3000, 512);
            assertTrue(PackedLinear.supports(w), "this libtorch is built with oneDNN");
            try (PackedLinear p = PackedLinear.pack(w, 1)) {
                for (long[] shape : new long[][]{{1, 1, 512}, {1, 512}, {4, 1, 512}, {32, 1, 512}, {2, 3, 512}}) {
                    Tensor x = torch.randn(shape);
                    Tensor got = p.apply(x);
                    Tensor want = torch.linear(x, w);
                    assertArrayEquals(Tensors.shape(want), Tensors.shape(got), Arrays.toString(shape));
                    // sums of 512 products of N(0,1) values (|y| ~ 22): fp32 rounding, another summation order
                    double diff = Tensors.toFloats(got.sub(want).abs().max())[0];
                    assertTrue(diff < 1e-3, Arrays.toString(shape) + ": max diff " + diff);
                }
            }
        }
    }

    @Test
    void onlyTwoDimensionalFp32WeightsArePacked() {
        try (PointerScope s = new PointerScope()) {
            assertFalse(PackedLinear.supports(torch.randn(8, 4).to(torch.ScalarType.BFloat16)));
            assertFalse(PackedLinear.supports(torch.randn(8)));
        }
    }
}
