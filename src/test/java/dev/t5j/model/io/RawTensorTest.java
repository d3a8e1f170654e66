package dev.t5j.model.io;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawTensorTest {
    static final float[] VALUES = {0f, 1f, -2.5f, 1.0009765625f, 1e-3f, -65504f};

    @Test
    void ofFloatsStoresLittleEndianF32() {
        RawTensor t = RawTensor.ofFloats("w", new long[]{2, 3}, VALUES);
        assertEquals(DType.F32, t.dtype());
        assertEquals(6, t.numel());
        assertEquals(24, t.byteSize());
        ByteBuffer b = t.data();
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        assertEquals(Float.floatToRawIntBits(-2.5f), b.getInt(8));
        assertEquals((byte) 0x00, b.get(4)); // 1.0f = 00 00 80 3f little-endian
        assertEquals((byte) 0x80, b.get(6));
        assertEquals((byte) 0x3f, b.get(7));
        assertArrayEquals(VALUES, t.toFloatArray());
    }

    @Test
    void floatDtypesConvertAndWidenBack() {
        RawTensor f32 = RawTensor.ofFloats("w", new long[]{6}, VALUES);
        for (DType d : new DType[]{DType.F16, DType.BF16, DType.F64}) {
            RawTensor t = f32.to(d);
            assertEquals(d, t.dtype());
            assertEquals(6L * d.size(), t.byteSize());
            float[] back = t.toFloatArray();
            for (int i = 0; i < VALUES.length; i++) {
                float expected = switch (d) {
                    case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(VALUES[i]));
                    case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(VALUES[i]));
                    default -> VALUES[i];
                };
                assertEquals(expected, back[i], 0f, d + " element " + i);
            }
            assertArrayEquals(back, t.to(DType.F32).toFloatArray());
        }
        // 1 + 2^-10: exact in F16 (10-bit mantissa); BF16 (7 bits) rounds it to 1.
        assertEquals(1.0009765625f, f32.to(DType.F16).toFloatArray()[3], 0f);
        assertEquals(1f, f32.to(DType.BF16).toFloatArray()[3], 0f);
        assertSame(f32, f32.to(DType.F32));
    }

    @Test
    void integerDtypesReadAsLongsAndFloats() {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) -1).put(1, (byte) 2).put(2, (byte) 127).put(3, (byte) -128);
        RawTensor i8 = new RawTensor("i8", DType.I8, new long[]{4}, b);
        RawTensor u8 = new RawTensor("u8", DType.U8, new long[]{4}, b);
        assertArrayEquals(new long[]{-1, 2, 127, -128}, i8.toLongArray());
        assertArrayEquals(new long[]{255, 2, 127, 128}, u8.toLongArray());
        assertArrayEquals(new float[]{255, 2, 127, 128}, u8.toFloatArray());
        RawTensor i16 = new RawTensor("i16", DType.I16, new long[]{2}, b);
        assertArrayEquals(new long[]{(short) 0x02ff, (short) 0x807f}, i16.toLongArray());
        RawTensor i64 = RawTensor.ofLongs("ids", new long[]{3}, new long[]{-5, 1L << 40, 7});
        assertArrayEquals(new long[]{-5, 1L << 40, 7}, i64.toLongArray());
        assertArrayEquals(new float[]{-5, 1L << 40, 7}, i64.toFloatArray());
        assertThrows(IllegalStateException.class, () -> RawTensor.ofFloats("f", new long[]{1},
                new float[]{1}).toLongArray());
    }

    @Test
    void dataViewsAreIndependent() {
        RawTensor t = RawTensor.ofFloats("w", new long[]{6}, VALUES);
        ByteBuffer a = t.data();
        a.position(8);
        a.order(ByteOrder.BIG_ENDIAN);
        ByteBuffer b = t.data();
        assertEquals(0, b.position());
        assertEquals(24, b.remaining());
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        assertArrayEquals(VALUES, t.toFloatArray());
    }

    @Test
    void shapeAndSizeMustAgree() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new RawTensor("w", DType.F32, new long[]{2, 2}, ByteBuffer.allocate(12)));
        assertTrue(e.getMessage().contains("'w'"));
        assertThrows(IllegalArgumentException.class, () -> RawTensor.ofFloats("w", new long[]{4}, VALUES));
        assertThrows(IllegalArgumentException.class, () -> new RawTensor("w", DType.F32, new long[]{-1},
                ByteBuffer.allocate(0)));
    }

    @Test
    void scalarsAndEmptyTensors() {
        RawTensor s = RawTensor.ofFloats("s", new long[]{}, new float[]{4f});
        assertEquals(1, s.numel());
        assertEquals(0, s.rank());
        RawTensor e = RawTensor.ofFloats("e", new long[]{0, 5}, new float[0]);
        assertEquals(0, e.byteSize());
        assertEquals(0, e.toFloatArray().length);
    }

    @Test
    void equalityIsByContent() {
        RawTensor a = RawTensor.ofFloats("w", new long[]{6}, VALUES);
        RawTensor b = RawTensor.ofFloats("w", new long[]{6}, VALUES.clone());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        float[] other = VALUES.clone();
        other[5] = 1;
        assertNotEquals(a, RawTensor.ofFloats("w", new long[]{6}, other));
        assertNotEquals(a, RawTensor.ofFloats("w", new long[]{2, 3}, VALUES));
        assertNotEquals(a, a.withName("v"));
    }
}
