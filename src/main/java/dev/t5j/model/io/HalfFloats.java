package dev.t5j.model.io;

/**
 * Bit-exact conversions between float and the two 16-bit float formats of checkpoints.
 *
 * <p>Widening (F16/BF16 to float) is exact. Narrowing rounds to nearest, ties to even, like PyTorch's
 * {@code tensor.to(torch.float16 / torch.bfloat16)}; NaN stays NaN (its payload is kept where the narrower format can
 * hold it) and overflow goes to infinity. Java 17 has no {@code Float.float16ToFloat}, hence this class.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** bfloat16 is the high half of a float: widening is a shift. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Rounds a float to the nearest bfloat16, ties to even. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            // NaN: truncate, but keep it a NaN if the payload lived only in the dropped low bits.
            int t = bits >>> 16;
            if ((t & 0x7f) == 0) t |= 0x40;
            return (short) t;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** IEEE 754 binary16 to float, exact, including subnormals, infinities and NaN payloads. */
    public static float f16ToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float arithmetic (mant < 2^10).
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Rounds a float to the nearest IEEE binary16, ties to even; overflow gives infinity. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) {
            if (abs == 0x7f800000) return (short) (sign | 0x7c00);
            int mant = (abs >>> 13) & 0x3ff;
            if (mant == 0) mant = 0x200; // payload only in dropped bits: stay a (quiet) NaN
            return (short) (sign | 0x7c00 | mant);
        }
        // 65520 = halfway between 65504 (largest half, odd mantissa) and 65536: ties to even means infinity.
        if (abs >= 0x477ff000) return (short) (sign | 0x7c00);
        int e = abs >>> 23;
        if (e < 113) {
            // Result is a half subnormal (or rounds up to the smallest normal): count units of 2^-24.
            if (e < 102) return (short) sign; // below 2^-25: rounds to zero
            int m = (abs & 0x7fffff) | 0x800000;
            int shift = 126 - e; // 14..24
            int result = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (result & 1) != 0)) result++;
            return (short) (sign | result);
        }
        int h = ((e - 112) << 10) | ((abs >>> 13) & 0x3ff);
        int rem = abs & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) h++; // a carry into the exponent is still correct
        return (short) (sign | h);
    }
}
