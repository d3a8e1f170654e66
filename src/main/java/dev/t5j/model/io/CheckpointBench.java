package dev.t5j.model.io;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Load-speed benchmark of the checkpoint layer: writes a safetensors file of T5-like tensors with
 * {@link SafetensorsWriter}, then reads it back several ways and reports GB/s (10^9 bytes of tensor data per second).
 *
 * <p>The file is read right after it was written, so it is in the OS page cache: the figures measure this layer and
 * memory bandwidth, not the disk (dropping the cache needs root). Modes:
 * <ul>
 *   <li>{@code mmap-open}: open + {@code get} every tensor (zero-copy slices; nothing touched);</li>
 *   <li>{@code mmap-touch}: the same, then every byte read once (what a consumer copying to native memory pays);</li>
 *   <li>{@code mmap-floats}: {@code get} + {@code toFloatArray} (a float[] per tensor on the heap);</li>
 *   <li>{@code copy}: {@link SafetensorsReader#getCopy} (positional reads into heap buffers, no mapping);</li>
 *   <li>{@code copy-floats}: {@code getCopy} + {@code toFloatArray}.</li>
 * </ul>
 */
public final class CheckpointBench {
    public record Result(String mode, long bytes, double seconds) {
        public double gbPerSecond() {
            return bytes / seconds / 1e9;
        }
    }

    private CheckpointBench() {}

    /** T5-like tensors (d_model 1024, d_ff 4096 blocks plus small norms) totalling about {@code totalBytes}. */
    public static List<RawTensor> tensors(long totalBytes, DType dtype, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<RawTensor> ts = new ArrayList<>();
        long done = 0;
        for (int block = 0; done < totalBytes; block++) {
            long[][] shapes = {{1024, 4096}, {4096, 1024}, {1024}};
            String[] names = {".layer.1.DenseReluDense.wi.weight", ".layer.1.DenseReluDense.wo.weight",
                    ".layer.1.layer_norm.weight"};
            for (int i = 0; i < shapes.length && done < totalBytes; i++) {
                int n = (int) RawTensor.numel(shapes[i]);
                float[] v = new float[n];
                for (int j = 0; j < n; j++) v[j] = (float) (rnd.nextDouble() - 0.5);
                RawTensor t = RawTensor.ofFloats("encoder.block." + block + names[i], shapes[i], v, dtype);
                ts.add(t);
                done += t.byteSize();
            }
        }
        return ts;
    }

    /** Seconds to write {@code tensors} to {@code file} (atomic write including fsync). */
    public static Result write(Path file, List<RawTensor> tensors) throws IOException {
        long bytes = tensors.stream().mapToLong(RawTensor::byteSize).sum();
        long t0 = System.nanoTime();
        SafetensorsWriter.write(file, tensors);
        return new Result("write", bytes, (System.nanoTime() - t0) / 1e9);
    }

    /** One timed read of the whole file in the given mode; the checksum keeps the JIT from skipping work. */
    public static Result read(Path file, String mode) {
        long t0 = System.nanoTime();
        long bytes = 0;
        double check = 0;
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            for (String name : r.names()) {
                RawTensor t = switch (mode) {
                    case "mmap-open", "mmap-touch", "mmap-floats" -> r.get(name);
                    case "copy", "copy-floats" -> r.getCopy(name);
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                };
                bytes += t.byteSize();
                switch (mode) {
                    case "mmap-touch" -> check += touch(t);
                    case "mmap-floats", "copy-floats" -> {
                        float[] f = t.toFloatArray();
                        check += f[f.length - 1];
                    }
                    case "copy" -> check += t.data().get(0);
                    default -> check += t.numel();
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (check == 42.4242) System.out.print(""); // consume
        return new Result(mode, bytes, secs);
    }

    private static long touch(RawTensor t) {
        var b = t.data();
        long s = 0;
        int longs = b.remaining() / 8;
        LongBuffer lb = b.asLongBuffer();
        for (int i = 0; i < longs; i++) s += lb.get(i);
        for (int i = longs * 8; i < b.limit(); i++) s += b.get(i);
        return s;
    }

    /** Runs the whole benchmark and prints a table; returns the best (fastest) result of each mode. */
    public static List<Result> run(Path dir, long totalBytes, DType dtype, int repeats,
            PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("bench.safetensors");
        List<Result> best = new ArrayList<>();
        try {
            List<RawTensor> ts = tensors(totalBytes, dtype, 1);
            Result w = write(file, ts);
            ts = null; // let the generated tensors go before reading
            out.printf(Locale.ROOT, "file %s: %d tensors, %.1f MB of %s data, %.1f MB on disk%n", file,
                    countTensors(file), w.bytes() / 1e6, dtype, Files.size(file) / 1e6);
            out.printf(Locale.ROOT, "%-12s %10s %8s%n", "mode", "seconds", "GB/s");
            out.printf(Locale.ROOT, "%-12s %10.3f %8.2f%n", "write", w.seconds(), w.gbPerSecond());
            best.add(w);
            for (String mode : List.of("mmap-open", "mmap-touch", "mmap-floats", "copy", "copy-floats")) {
                Result b = null;
                for (int i = 0; i < repeats; i++) {
                    Result r = read(file, mode);
                    if (b == null || r.seconds() < b.seconds()) b = r;
                }
                out.printf(Locale.ROOT, "%-12s %10.4f %8.2f%n", mode, b.seconds(), b.gbPerSecond());
                best.add(b);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return best;
    }

    private static int countTensors(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return r.names().size();
        }
    }
}
