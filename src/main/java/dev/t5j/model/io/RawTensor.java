package dev.t5j.model.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One checkpoint tensor as bytes: its name, element type, shape and row-major little-endian data.
 *
 * <p>The data is often a zero-copy slice of a memory-mapped file, so it is read-only and may be larger than the Java
 * heap; {@link #data()} hands out an independent little-endian view each time (position 0, limit = byte size), so
 * callers can never disturb each other. No libtorch here: the model layer turns these into tensors.
 */
public record RawTensor(String name, DType dtype, long[] shape, ByteBuffer data) {
    private static final int CHUNK = 8192;

    public RawTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long n = numel(shape);
        if (n < 0) throw new IllegalArgumentException("tensor '" + name + "': bad shape " + Arrays.toString(shape));
        long bytes = Math.multiplyExact(n, dtype.size());
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + bytes + " bytes, data has " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An independent little-endian view of the bytes (position 0). */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar of shape []). */
    public long numel() {
        return numel(shape);
    }

    public long byteSize() {
        return numel() * dtype.size();
    }

    /** Product of the dimensions, or -1 if one is negative. Overflow throws (no real tensor gets near 2^63). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) return -1;
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public RawTensor withName(String newName) {
        return new RawTensor(newName, dtype, shape, data);
    }

    /** An F32 tensor over a copy of {@code values}. */
    public static RawTensor ofFloats(String name, long[] shape, float[] values) {
        return ofFloats(name, shape, values, DType.F32);
    }

    /** A tensor of a floating dtype (F32, F16, BF16, F64) holding {@code values}, rounded to nearest even. */
    public static RawTensor ofFloats(String name, long[] shape, float[] values, DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("not a floating dtype: " + dtype);
        if (numel(shape) != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has "
                    + numel(shape) + " elements, got " + values.length + " values");
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length,
                dtype.size())).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().put(values);
            case F64 -> {
                for (int i = 0; i < values.length; i++) b.putDouble(i * 8, values[i]);
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) b.putShort(i * 2, HalfFloats.floatToBf16(values[i]));
            }
            case F16 -> {
                for (int i = 0; i < values.length; i++) b.putShort(i * 2, HalfFloats.floatToF16(values[i]));
            }
            default -> throw new AssertionError(dtype);
        }
        return new RawTensor(name, dtype, shape, b);
    }

    /** An I64 tensor (e.g. position ids) over a copy of {@code values}. */
    public static RawTensor ofLongs(String name, long[] shape, long[] values) {
        if (numel(shape) != values.length) throw new IllegalArgumentException("tensor '" + name
                + "': shape/values mismatch");
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new RawTensor(name, DType.I64, shape, b);
    }

    /**
     * The values as floats: F32 copied, F16/BF16 widened exactly, F64 rounded to nearest float, integers and BOOL
     * converted as by a Java cast.
     */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor '" + name + "' has " + n
                    + " elements, too many for one Java array");
        }
        float[] out = new float[(int) n];
        ByteBuffer b = data();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case BF16, F16 -> {
                var sb = b.asShortBuffer();
                short[] chunk = new short[Math.min(CHUNK, out.length)];
                boolean bf = dtype == DType.BF16;
                for (int i = 0; i < out.length; i += chunk.length) {
                    int len = Math.min(chunk.length, out.length - i);
                    sb.get(chunk, 0, len);
                    if (bf) {
                        for (int j = 0; j < len; j++) out[i + j] = Float.intBitsToFloat((chunk[j] & 0xffff) << 16);
                    } else {
                        for (int j = 0; j < len; j++) out[i + j] = HalfFloats.f16ToFloat(chunk[j]);
                    }
                }
            }
            case F64 -> {
                var db = b.asDoubleBuffer();
                for (int i = 0; i < out.length; i++) out[i] = (float) db.get(i);
            }
            case I64 -> {
                var lb = b.asLongBuffer();
                for (int i = 0; i < out.length; i++) out[i] = (float) lb.get(i);
            }
            case I32 -> {
                var ib = b.asIntBuffer();
                for (int i = 0; i < out.length; i++) out[i] = (float) ib.get(i);
            }
            case I16 -> {
                var sb = b.asShortBuffer();
                for (int i = 0; i < out.length; i++) out[i] = sb.get(i);
            }
            case I8 -> {
                for (int i = 0; i < out.length; i++) out[i] = b.get(i);
            }
            case U8, BOOL -> {
                for (int i = 0; i < out.length; i++) out[i] = b.get(i) & 0xff;
            }
        }
        return out;
    }

    /** The values as longs, for integral and BOOL tensors. */
    public long[] toLongArray() {
        if (!dtype.isIntegral()) throw new IllegalStateException("tensor '" + name + "' is " + dtype
                + ", not integral");
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor '" + name + "' too large for one array");
        long[] out = new long[(int) n];
        ByteBuffer b = data();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case I64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case I16 -> b.getShort(i * 2);
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xff;
                default -> throw new AssertionError(dtype);
            };
        }
        return out;
    }

    /**
     * This tensor in another floating dtype (F32, F16, BF16, F64), rounding to nearest even when narrowing.
     * Returns {@code this} when the dtype is already {@code target}. Goes through float, so F64 sources
     * are first rounded to float.
     */
    public RawTensor to(DType target) {
        if (target == dtype) return this;
        return ofFloats(name, shape, toFloatArray(), target);
    }

    /** Same name, dtype, shape and bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RawTensor t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && data().equals(t.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
