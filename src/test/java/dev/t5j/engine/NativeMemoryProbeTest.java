package dev.t5j.engine;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe tells a steady leak from a one-off rise. Resident memory is counted by the test itself: the process's
 * real reading also holds the Java heap, which collections shrink by tens of MiB at times (a first version of this
 * test with real pages failed in CI that way), and this test is about the probe's rule, not about the reading.
 */
class NativeMemoryProbeTest {
    private static final long MIB = 1L << 20;

    @Test
    void aSteadyLeakFailsEvenWithoutNewPointers() {
        long[] resident = {0};
        AssertionError e = assertThrows(AssertionError.class, () -> NativeMemoryProbe.assertFlat(
                () -> resident[0] += 8 * MIB, 2, 3, 4, 4 * MIB, () -> resident[0]));
        assertTrue(e.getMessage().contains("grew in every window of 4 rounds: [32 MiB, 32 MiB, 32 MiB]"),
                e.getMessage());
    }

    @Test
    void aOneOffRiseInOneWindowPasses() {
        long[] resident = {0};
        int[] n = {0};
        List<Long> growth = assertDoesNotThrow(() -> NativeMemoryProbe.assertFlat(() -> {
            if (n[0]++ == 5) resident[0] += 128 * MIB; // round 5: in the first window (rounds 2-9)
        }, 2, 3, 8, 4 * MIB, () -> resident[0]));
        assertEquals(List.of(128 * MIB, 0L, 0L), growth);
    }

    @Test
    void aSmallLeakUnderTheLimitPasses() {
        long[] resident = {0};
        List<Long> growth = assertDoesNotThrow(() -> NativeMemoryProbe.assertFlat(
                () -> resident[0] += MIB / 4, 0, 3, 8, 4 * MIB, () -> resident[0]));
        assertEquals(List.of(2 * MIB, 2 * MIB, 2 * MIB), growth);
    }

    @Test
    void keptPointersFail() {
        List<Pointer> kept = new ArrayList<>();
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> NativeMemoryProbe.assertFlat(() -> kept.add(new IntPointer(4)), 0, 1, 20, 64 * MIB));
            assertTrue(e.getMessage().contains("live native pointers grew"), e.getMessage());
        } finally {
            kept.forEach(Pointer::close);
        }
    }
}
