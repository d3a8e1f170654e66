package dev.t5j.engine;

import java.util.Arrays;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Small bridges between Java arrays and libtorch tensors, and helpers for tensor lifetimes. */
public final class Tensors {
    private Tensors() {}

    public static TensorOptions options(ScalarType dtype) {
        return new TensorOptions(dtype).device(new DeviceOptional(Torch.device()));
    }

    /** A new int64 tensor of the given shape holding {@code data} (row-major). */
    public static Tensor longs(long[] data, long... shape) {
        return toDevice(cpuLongs(data, shape));
    }

    /** {@link #longs} on the CPU whatever the device (data that stays on the CPU, e.g. index collectives). */
    public static Tensor cpuLongs(long[] data, long... shape) {
        Torch.init();
        Tensor cpu = torch.empty(shape, new TensorOptions(ScalarType.Long), new MemoryFormatOptional());
        cpu.data_ptr_long().put(data);
        return cpu;
    }

    /** A [rows, maxLen] int64 tensor, right-padded with {@code pad}. */
    public static Tensor longs(int[][] rows, int pad) {
        int maxLen = 0;
        for (int[] r : rows) maxLen = Math.max(maxLen, r.length);
        long[] flat = new long[rows.length * maxLen];
        Arrays.fill(flat, pad);
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < rows[i].length; j++) flat[i * maxLen + j] =
                rows[i][j];
        return longs(flat, rows.length, maxLen);
    }

    /** A [rows, maxLen] int64 mask: 1 where a row has a token, 0 in the right padding. */
    public static Tensor lengthMask(int[][] rows) {
        int maxLen = 0;
        for (int[] r : rows) maxLen = Math.max(maxLen, r.length);
        long[] flat = new long[rows.length * maxLen];
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < rows[i].length; j++) flat[i * maxLen + j] = 1;
        return longs(flat, rows.length, maxLen);
    }

    public static Tensor floats(float[] data, long... shape) {
        return toDevice(cpuFloats(data, shape));
    }

    /** {@link #floats} on the CPU whatever the device. */
    public static Tensor cpuFloats(float[] data, long... shape) {
        Torch.init();
        Tensor cpu = torch.empty(shape, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
        cpu.data_ptr_float().put(data);
        return cpu;
    }

    private static Tensor toDevice(Tensor cpu) {
        if (Torch.device().is_cpu()) return cpu;
        return cpu.to(Torch.device(), cpu.scalar_type());
    }

    /** Copies a tensor's values out as floats (any float dtype, any device, any layout). */
    /** A 1-D float64 tensor (sums exchanged between data-parallel workers). */
    public static Tensor doubles(double... data) {
        Torch.init();
        Tensor cpu = torch.empty(new long[] {data.length}, new TensorOptions(ScalarType.Double),
                new MemoryFormatOptional());
        cpu.data_ptr_double().put(data);
        return toDevice(cpu);
    }

    /** The values of a float64 tensor, copied to the CPU. */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.cpu().to(ScalarType.Double).contiguous();
        double[] out = new double[(int) c.numel()];
        c.data_ptr_double().get(out);
        return out;
    }

    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(new Device("cpu"), ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** A 2-D float tensor as rows ([n][d]), copied to the heap. */
    public static float[][] toRows(Tensor t) {
        int n = (int) t.size(0), d = (int) t.size(1);
        float[] flat = toFloats(t.contiguous());
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * d, rows[i], 0, d);
        return rows;
    }

    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(new Device("cpu"), ScalarType.Long).contiguous();
        long[] out = new long[(int) c.numel()];
        c.data_ptr_long().get(out);
        return out;
    }

    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) s[i] = t.size(i);
        return s;
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    /**
     * Moves {@code t} out of the innermost {@link PointerScope} so that it outlives the current step; the caller owns
     * it and must {@code close()} it (or let it be collected).
     */
    public static Tensor keep(Tensor t) {
        return keepPointer(t);
    }

    /** {@link #keep} for any native object (devices, options) that must outlive the current scope. */
    public static <P extends Pointer> P keepPointer(P p) {
        PointerScope s = PointerScope.getInnerScope();
        if (s != null) {
            // detach() drops the scope's reference, which would free the object at once: take our own first.
            p.retainReference();
            s.detach(p);
        }
        return p;
    }

    /** Frees a tensor kept with {@link #keep}; null-safe. */
    public static void free(Tensor t) {
        if (t != null && !t.isNull()) t.close();
    }
}
