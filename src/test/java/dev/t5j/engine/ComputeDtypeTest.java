package dev.t5j.engine;

import dev.t5j.common.UserError;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class ComputeDtypeTest {
    @Test
    void parsesKeysAndNamesTheAllowedValues() {
        assertEquals(ComputeDtype.BF16, ComputeDtype.parse(" BF16 "));
        assertEquals("fp32", ComputeDtype.FP32.key());
        UserError e = assertThrows(UserError.class, () -> ComputeDtype.parse("fp16"));
        assertTrue(e.getMessage().contains("allowed: fp32, bf16"), e.getMessage());
    }

    @Test
    void bf16FallsBackToFp32WithAWarningWithoutBf16Units() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(ComputeDtype.BF16, ComputeDtype.BF16.resolve(log, true));
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
        assertEquals(ComputeDtype.FP32, ComputeDtype.BF16.resolve(log, false));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("warning: dtype bf16"), buf.toString());
        assertEquals(ComputeDtype.FP32, ComputeDtype.FP32.resolve(log, false));
    }

    @Test
    void cpuFlagsWithAvx512Bf16OrAmxCount() {
        assertTrue(ComputeDtype.hasBf16Flag("fpu sse avx512f avx512_bf16 avx512_vnni"));
        assertTrue(ComputeDtype.hasBf16Flag("amx_tile amx_bf16"));
        assertFalse(ComputeDtype.hasBf16Flag("fpu avx2 avx512f avx512bw"));
        assertFalse(ComputeDtype.hasBf16Flag(""));
    }

    /** Inside the scope matrix products come out bf16; after it, fp32 again and autocast is off. */
    @Test
    void autocastScopeTurnsBf16MatmulsOnAndOff() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor a = torch.randn(4, 8);
            Tensor b = torch.randn(8, 3);
            try (Autocast ac = Autocast.open(ComputeDtype.BF16)) {
                assertTrue(Autocast.enabled());
                assertEquals(ScalarType.BFloat16, a.matmul(b).scalar_type().intern());
                assertEquals(ScalarType.Float, a.add(a).scalar_type().intern(), "element-wise ops keep fp32");
            }
            assertFalse(Autocast.enabled());
            assertEquals(ScalarType.Float, a.matmul(b).scalar_type().intern());
            try (Autocast ac = Autocast.open(ComputeDtype.FP32)) {
                assertEquals(ScalarType.Float, a.matmul(b).scalar_type().intern());
            }
        }
    }

    /**
     * The weight cache (one bf16 copy of each fp32 leaf weight per scope) is dropped when the scope closes: a weight
     * updated between two forwards is seen by the second.
     */
    @Test
    void updatedWeightsAreSeenByTheNextScope() {
        try (PointerScope s = new PointerScope()) {
            Tensor w = torch.ones(2, 2).set_requires_grad(true);
            Tensor x = torch.ones(1, 2);
            float first;
            try (Autocast ac = Autocast.open(ComputeDtype.BF16)) {
                first = Tensors.toFloats(torch.linear(x, w))[0];
            }
            try (NoGradGuard ng = new NoGradGuard()) {
                w.mul_(Tensors.scalar(3.0));
            }
            float second;
            try (Autocast ac = Autocast.open(ComputeDtype.BF16)) {
                second = Tensors.toFloats(torch.linear(x, w))[0];
            }
            assertEquals(2f, first, 1e-6);
            assertEquals(6f, second, 1e-6);
        }
    }
}
