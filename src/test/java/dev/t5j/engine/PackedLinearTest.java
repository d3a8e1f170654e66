package dev.t5j.engine;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
                Tensor strided = torch.randn(512, 4).t(); // a non-contiguous input [4, 512]
                double diff = Tensors.toFloats(p.apply(strided).sub(torch.linear(strided, w)).abs().max())[0];
                assertTrue(diff < 1e-3, "non-contiguous input: max diff " + diff);
            }
        }
    }

    /**
     * This libtorch's oneDNN reorder packs some shapes wrongly on some CPUs, depending on the thread count (on AMD
     * Zen 5: 200×512 and 520×512 at 1 and 2 threads, 48×32 at 1, 64×32 at 2; on Zen 4 none of these at 1 thread):
     * {@code pack} must refuse them (null) rather than hand out a packing that computes something else, at either
     * count; T5's shapes pack at both. The refusal itself is checked on every CPU by the next test.
     */
    @Test
    void packNeverReturnsAWrongPacking() {
        int before = Torch.threads();
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            torch.manual_seed(12);
            long[][] t5 = {{512, 512}, {1536, 512}, {2048, 512}, {512, 2048}};
            long[][] odd = {{48, 32}, {64, 32}, {200, 512}, {520, 512}, {16400, 24}};
            for (int threads = 1; threads <= 2; threads++) {
                Torch.setThreads(threads);
                for (long[][] group : new long[][][]{t5, odd}) {
                    for (long[] shape : group) {
                        Tensor w = torch.randn(shape);
                        Tensor x = torch.randn(3, shape[1]);
                        String what = Arrays.toString(shape) + " at " + threads + " thread(s)";
                        try (PackedLinear p = PackedLinear.pack(w, 1)) {
                            if (p == null) {
                                assertTrue(group == odd, "a T5 shape was refused: " + what);
                                continue;
                            }
                            double diff = Tensors.toFloats(p.apply(x).sub(torch.linear(x, w)).abs().max())[0];
                            assertTrue(diff < 1e-3, what + ": max diff " + diff);
                        }
                    }
                }
            }
        } finally {
            Torch.setThreads(before);
        }
    }

    /** A packing that computes something else than its weight's product is refused, and its shape not packed again. */
    @Test
    void aWrongPackingIsRefusedAndItsShapeRemembered() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            torch.manual_seed(13);
            Tensor w = torch.randn(72, 40);
            Tensor other = torch.randn(72, 40);
            assertNull(PackedLinear.pack(other, 1, w), "a packing of another weight passed the check");
            assertNull(PackedLinear.pack(w, 1), "a refused shape was packed again");
            // a T5 shape, packed right on every CPU tried (64 × 64 was too, until a Zen 5 VM packed it wrongly)
            try (PackedLinear p = PackedLinear.pack(torch.randn(512, 512), 1)) {
                assertNotNull(p, "another shape is still packed");
            }
        }
    }

    /** A bf16 packing refused for a shape does not stop fp32 weights of that shape from being packed. */
    @Test
    void refusalsAreRememberedPerDtype() {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 models run only where the CPU has bf16 units");
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            torch.manual_seed(19);
            Tensor w = torch.randn(3000, 512); // packs right in fp32 on every CPU tried; no model here uses it
            Tensor other = torch.randn(3000, 512);
            assertNull(PackedLinear.pack(other.to(torch.ScalarType.BFloat16), 1, w.to(torch.ScalarType.BFloat16)));
            assertNull(PackedLinear.pack(w.to(torch.ScalarType.BFloat16), 1), "the bf16 refusal is remembered");
            try (PackedLinear p = PackedLinear.pack(w, 1)) {
                assertNotNull(p, "fp32 of the same shape is still packed");
            }
        }
    }

    @Test
    void onlyTwoDimensionalFp32AndBf16WeightsArePacked() {
        try (PointerScope s = new PointerScope()) {
            assertTrue(PackedLinear.supports(torch.randn(8, 4)));
            assertTrue(PackedLinear.supports(torch.randn(8, 4).to(torch.ScalarType.BFloat16)));
            assertFalse(PackedLinear.supports(torch.randn(8, 4).to(torch.ScalarType.Double)));
            assertFalse(PackedLinear.supports(torch.randn(8)));
        }
    }

    /** A bf16 packing computes the bf16 product (to bf16's rounding) at one row and at several. */
    @Test
    void bf16PackingEqualsTheProduct() {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 models run only where the CPU has bf16 units");
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            torch.manual_seed(17);
            Tensor w = torch.randn(1536, 512).to(torch.ScalarType.BFloat16);
            try (PackedLinear p = PackedLinear.pack(w, 1)) {
                assertNotNull(p, "a T5 shape in bf16 was refused");
                for (int rows : new int[]{1, 4, 33}) {
                    Tensor x = torch.randn(rows, 512).to(torch.ScalarType.BFloat16);
                    Tensor got = p.apply(x);
                    assertEquals(torch.ScalarType.BFloat16, got.scalar_type().intern());
                    Tensor want = torch.linear(x.to(torch.ScalarType.Float), w.to(torch.ScalarType.Float));
                    double scale = Tensors.toFloats(want.abs().max())[0];
                    double diff = Tensors.toFloats(got.to(torch.ScalarType.Float).sub(want).abs().max())[0];
                    assertTrue(diff < 1e-2 * scale, rows + " rows: max diff " + diff + " of " + scale);
                }
            }
        }
    }
}
