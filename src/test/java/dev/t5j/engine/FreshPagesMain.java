package dev.t5j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * Run in a child JVM by {@link NativeEnvTest}: on the JVM's main thread, as libtorch's allocations for a training
 * step, mallocs, writes and frees an 80 MiB block (above glibc's 64 MiB per-thread heaps, as t5-small's embedding
 * gradient) and a 16 MiB one, six times, and prints this thread's fewest minor page faults in a round after the
 * first: how much fresh memory the kernel had to hand out again each time.
 */
public final class FreshPagesMain {
    public static void main(String[] args) throws IOException {
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long before = minorFaults();
            Pointer big = Pointer.malloc(80L << 20);
            Pointer mid = Pointer.malloc(16L << 20);
            if (big.isNull() || mid.isNull()) throw new OutOfMemoryError("malloc");
            Pointer.memset(big, 1, 80L << 20);
            Pointer.memset(mid, 1, 16L << 20);
            Pointer.free(mid);
            Pointer.free(big);
            if (round > 0) fewest = Math.min(fewest, minorFaults() - before);
        }
        // the fewest, not the mean: another JVM thread's small block can land above a freed one once, and the heap
        // then grows by a block's pages in that round only; without the settings every round faults them all
        System.out.println("faults per round " + fewest);
    }

    /**
     * Field 10 of /proc/thread-self/stat (after the command name, which may hold spaces): this thread's faults only,
     * not those of the JVM's compiler and collector threads running beside it.
     */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
