package dev.t5j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * Run in a child JVM by {@link NativeEnvTest}: on the JVM's main thread, as libtorch's allocations for a training
 * step, mallocs, writes and frees an 80 MiB block (above glibc's 64 MiB per-thread heaps, as t5-small's embedding
 * gradient) and a 16 MiB one, four times, and prints the minor page faults of the rounds after the first: how much
 * fresh memory the kernel had to hand out again.
 */
public final class FreshPagesMain {
    public static void main(String[] args) throws IOException {
        long faults = 0;
        for (int round = 0; round < 4; round++) {
            long before = minorFaults();
            Pointer big = Pointer.malloc(80L << 20);
            Pointer mid = Pointer.malloc(16L << 20);
            if (big.isNull() || mid.isNull()) throw new OutOfMemoryError("malloc");
            Pointer.memset(big, 1, 80L << 20);
            Pointer.memset(mid, 1, 16L << 20);
            Pointer.free(mid);
            Pointer.free(big);
            if (round > 0) faults += minorFaults() - before;
        }
        System.out.println("faults per round " + faults / 3);
    }

    /** Field 10 of /proc/self/stat (after the command name, which may hold spaces). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
