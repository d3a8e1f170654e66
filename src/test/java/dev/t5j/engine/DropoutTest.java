package dev.t5j.engine;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Dropout}: libtorch's training dropout, with the keep mask drawn in Java. */
class DropoutTest {
    private static float[] maskValues(long n, ScalarType dtype, double p, long seed) {
        return Tensors.toFloats(Dropout.mask(new long[]{n}, dtype, p, seed).to(ScalarType.Float));
    }

    @Test
    void keepsOneMinusPOfTheElementsScaledAndDrawsThePairHalvesIndependently() {
        Torch.init();
        try (PointerScope s = new PointerScope()) {
            int n = 1 << 20;
            double p = 0.1;
            float[] m = maskValues(n, ScalarType.Float, p, 12345);
            float scale = (float) (1 / (1 - p));
            int dropped = 0;
            int bothDropped = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(m[i] == 0f || m[i] == scale, "element " + i + " is " + m[i]);
                if (m[i] == 0f) dropped++;
                if (i % 2 == 1 && m[i] == 0f && m[i - 1] == 0f) bothDropped++;
            }
            // binomial: 5 standard deviations
            double sd = Math.sqrt(n * p * (1 - p));
            assertEquals(n * p, dropped, 5 * sd, "dropped elements");
            double pairs = n / 2.0;
            assertEquals(pairs * p * p, bothDropped, 5 * Math.sqrt(pairs * p * p * (1 - p * p)),
                    "pairs with both halves dropped (one 64-bit draw each)");
        }
    }

    @Test
    void theMaskDependsOnTheSeedOnlyNotOnChunksOrThreads() {
        int threads = Torch.threads();
        try (PointerScope s = new PointerScope()) {
            long n = 3L * Dropout.CHUNK + 7; // several chunks and an odd tail
            Torch.setThreads(1);
            float[] one = maskValues(n, ScalarType.Float, 0.3, 99);
            Torch.setThreads(2);
            float[] two = maskValues(n, ScalarType.Float, 0.3, 99);
            assertArrayEquals(one, two, "one thread and two draw the same mask");
            float[] other = maskValues(n, ScalarType.Float, 0.3, 100);
            assertFalse(Arrays.equals(one, other), "another seed, another mask");
            // counter-based: filling from an even offset gives that part of the whole mask
            long threshold = (long) Math.ceil(0.3 * 4294967296.0);
            int bits = Float.floatToRawIntBits((float) (1 / 0.7));
            float[] tail = new float[(int) n - 2 * Dropout.CHUNK];
            Dropout.fillFloats(tail, 2L * Dropout.CHUNK, 99, threshold, bits);
            for (int i = 0; i < tail.length; i++) assertEquals(one[2 * Dropout.CHUNK + i], tail[i], "element " + i);
        } finally {
            Torch.setThreads(threads);
        }
    }

    @Test
    void theSeedComesFromLibtorchsGeneratorSoASeededRunRepeats() {
        Torch.init();
        try (PointerScope s = new PointerScope()) {
            Tensor x = torch.randn(4, 1000);
            Torch.seed(7);
            float[] a = Tensors.toFloats(Dropout.apply(x, 0.25));
            Torch.seed(7);
            float[] b = Tensors.toFloats(Dropout.apply(x, 0.25));
            float[] c = Tensors.toFloats(Dropout.apply(x, 0.25));
            assertArrayEquals(a, b, "same generator state, same mask");
            assertFalse(Arrays.equals(a, c), "the next call draws a new seed");
        }
    }

    @Test
    void gradientIsTheMaskAsForTorchDropout() {
        Torch.init();
        try (PointerScope s = new PointerScope()) {
            Tensor x = torch.randn(3, 5, 7).set_requires_grad(true);
            Tensor y = Dropout.apply(x, 0.4);
            y.sum().backward();
            float[] xs = Tensors.toFloats(x.detach());
            float[] ys = Tensors.toFloats(y.detach());
            float[] gs = Tensors.toFloats(x.grad());
            float scale = (float) (1 / 0.6);
            for (int i = 0; i < xs.length; i++) {
                assertTrue(gs[i] == 0f || gs[i] == scale, "grad " + gs[i]);
                assertEquals(xs[i] * gs[i], ys[i], 0f, "output = input x mask at " + i);
            }
        }
    }

    @Test
    void bfloat16MaskHoldsLibtorchsRoundedScaleAndOtherDtypesGoToLibtorch() {
        Torch.init();
        try (PointerScope s = new PointerScope()) {
            Tensor ones = torch.ones(4096).to(ScalarType.BFloat16);
            float ours = 0;
            for (float v : Tensors.toFloats(Dropout.apply(ones, 0.1).to(ScalarType.Float))) if (v != 0f) ours = v;
            float theirs = 0;
            for (float v : Tensors.toFloats(torch.dropout(ones, 0.1, true).to(ScalarType.Float))) if (v != 0f)
                theirs = v;
            assertEquals(1.109375f, theirs, "libtorch's bfloat16 scale for p = 0.1");
            assertEquals(theirs, ours);
            assertEquals(ScalarType.BFloat16, Dropout.apply(ones, 0.1).scalar_type().intern());

            Tensor doubles = torch.ones(2000).to(ScalarType.Double);
            Tensor d = Dropout.apply(doubles, 0.5);
            assertEquals(ScalarType.Double, d.scalar_type().intern(), "double goes to torch.dropout");
            float[] dv = Tensors.toFloats(d.to(ScalarType.Float));
            for (float v : dv) assertTrue(v == 0f || v == 2f, "value " + v);
            assertSame(ones, Dropout.apply(ones, 0.0), "p = 0: the input itself");
            for (double bad : new double[]{-0.1, 1.5, Double.NaN})
                assertThrows(IllegalArgumentException.class, () -> Dropout.apply(ones, bad), "p = " + bad);
            assertEquals(0f, torch.abs(Dropout.apply(torch.ones(100), 1.0)).sum().item_float(), "p = 1: all dropped");
        }
    }

    @Test
    void bf16BitsRoundToNearestEven() {
        assertEquals(0x3F80, Dropout.bf16Bits(1.0f));
        assertEquals(0x3F8E, Dropout.bf16Bits((float) (1 / 0.9))); // 1.1111112 → 1.109375
        assertEquals(0x3F80, Dropout.bf16Bits(Float.intBitsToFloat(0x3F808000))); // a tie rounds to even (down)
        assertEquals(0x3F82, Dropout.bf16Bits(Float.intBitsToFloat(0x3F818000))); // a tie rounds to even (up)
    }
}
