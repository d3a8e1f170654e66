package dev.t5j.model.io;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfFloatsTest {

    @Test
    void everyBf16PatternSurvivesWideningAndNarrowing() {
        for (int b = 0; b < 0x10000; b++) {
            float f = HalfFloats.bf16ToFloat((short) b);
            assertEquals(b, HalfFloats.floatToBf16(f) & 0xffff, () -> "bf16 0x" + Integer.toHexString(f2i(f)));
            // widening is the bits shifted into the high half
            assertEquals(b << 16, Float.floatToRawIntBits(f));
        }
    }

    @Test
    void everyF16PatternSurvivesWideningAndNarrowing() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            int back = HalfFloats.floatToF16(f) & 0xffff;
            assertEquals(h, back, "f16 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void f16WideningMatchesTheIeeeDefinition() {
        for (int h = 0; h < 0x10000; h++) {
            int sign = h >>> 15, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
            double expected;
            if (exp == 0) expected = mant * Math.pow(2, -24);
            else if (exp == 31) expected = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            else expected = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
            if (sign == 1) expected = -expected;
            float got = HalfFloats.f16ToFloat((short) h);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(got));
            } else {
                assertEquals(expected, got, 0.0, "0x" + Integer.toHexString(h));
                assertEquals(sign == 1, (Float.floatToRawIntBits(got) >>> 31) == 1, "sign of 0x"
                        + Integer.toHexString(h));
            }
        }
    }

    @Test
    void f16NarrowingRoundsToNearestEvenLikeABruteForceSearch() {
        double[] halves = new double[0x7c00]; // all non-negative finite halves, increasing with their bits
        for (int h = 0; h < 0x7c00; h++) halves[h] = HalfFloats.f16ToFloat((short) h);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float x;
            if (i % 2 == 0) {
                x = Float.intBitsToFloat(rnd.nextInt() & 0x7fffffff);
            } else {
                // Exact midpoints between neighbours and their float neighbours: where ties matter.
                int h = rnd.nextInt(0x7bff);
                float mid = (float) ((halves[h] + halves[h + 1]) / 2);
                int k = rnd.nextInt(3) - 1;
                x = Float.intBitsToFloat(Float.floatToRawIntBits(mid) + k);
            }
            if (Float.isNaN(x)) continue;
            int expected = bruteForceF16(halves, x);
            assertEquals(expected, HalfFloats.floatToF16(x) & 0xffff, "x=" + x);
            assertEquals(expected | 0x8000, HalfFloats.floatToF16(-x) & 0xffff, "x=-" + x);
        }
    }

    private static int bruteForceF16(double[] halves, float xf) {
        double x = xf;
        double max = halves[0x7bff];
        double overflow = max + (max - halves[0x7bfe]) / 2; // 65520: ties go to the even neighbour, infinity
        if (x >= overflow) return 0x7c00;
        int lo = 0, hi = halves.length - 1;
        while (lo < hi) { // largest h with halves[h] <= x
            int mid = (lo + hi + 1) >>> 1;
            if (halves[mid] <= x) lo = mid;
            else hi = mid - 1;
        }
        if (lo == halves.length - 1 || halves[lo] == x) return lo;
        double dLo = x - halves[lo], dHi = halves[lo + 1] - x;
        if (dLo < dHi) return lo;
        if (dHi < dLo) return lo + 1;
        return (lo & 1) == 0 ? lo : lo + 1;
    }

    @Test
    void bf16NarrowingRoundsToNearestEven() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int bits = rnd.nextInt();
            if (i % 4 == 0) bits = (bits & 0xffff0000) | 0x8000; // exact ties
            float x = Float.intBitsToFloat(bits);
            if (Float.isNaN(x)) continue;
            int lo = bits & 0xffff0000;
            int hi = lo + 0x10000;
            double vLo = Float.intBitsToFloat(lo);
            double vHi = ((hi & 0x7fffffff) >= 0x7f800000) ? Math.copySign(Math.pow(2, 128), x)
                    : Float.intBitsToFloat(hi);
            double dLo = Math.abs(x - vLo), dHi = Math.abs(vHi - x);
            int expected;
            if (dLo < dHi) expected = lo;
            else if (dHi < dLo) expected = hi;
            else expected = ((lo >>> 16) & 1) == 0 ? lo : hi;
            if (Float.isInfinite(x)) expected = lo;
            assertEquals(expected >>> 16, HalfFloats.floatToBf16(x) & 0xffff, "x=" + x);
        }
    }

    @Test
    void specialValues() {
        assertEquals(0x3c00, HalfFloats.floatToF16(1f) & 0xffff);
        assertEquals(0x7bff, HalfFloats.floatToF16(65504f) & 0xffff);
        assertEquals(0x7c00, HalfFloats.floatToF16(65520f) & 0xffff); // tie to even = infinity
        assertEquals(0x7bff, HalfFloats.floatToF16(65519.996f) & 0xffff);
        assertEquals(0x0001, HalfFloats.floatToF16(0x1p-24f) & 0xffff);
        assertEquals(0x0000, HalfFloats.floatToF16(0x1p-25f) & 0xffff); // tie to even = zero
        assertEquals(0x0001, HalfFloats.floatToF16(Math.nextUp(0x1p-25f)) & 0xffff);
        assertEquals(0x0400, HalfFloats.floatToF16(0x1p-14f) & 0xffff);
        assertEquals(0x8000, HalfFloats.floatToF16(-0f) & 0xffff);
        assertEquals(0xfc00, HalfFloats.floatToF16(Float.NEGATIVE_INFINITY) & 0xffff);
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.intBitsToFloat(0x7f800001)))));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7f800001)))));
        assertEquals(0x3f80, HalfFloats.floatToBf16(1f) & 0xffff);
        assertEquals(0x7f80, HalfFloats.floatToBf16(Float.MAX_VALUE) & 0xffff); // rounds up past the largest bf16
    }

    private static int f2i(float f) {
        return Float.floatToRawIntBits(f);
    }
}
