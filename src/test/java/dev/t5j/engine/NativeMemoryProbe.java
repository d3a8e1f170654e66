package dev.t5j.engine;

import org.bytedeco.javacpp.Pointer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native-memory flatness check that the step tests share ({@link Torch}, trap 2).
 *
 * <p>Two readings. Live JavaCPP pointers must not grow beyond a few lazily built caches: a Tensor outside its step's
 * PointerScope is a leak however small. Resident memory must not grow in every window of rounds. A leak grows it
 * window after window; a one-off rise does not: the JIT's compiler arenas, or glibc keeping a new high-water mark
 * (bin/native-env.sh keeps freed memory). A single before/after reading over 200 steps saw such a rise
 * of 83 MiB once in CI and none in the same suite here, so the resident check asks for the smallest growth of several
 * windows. The Java heap is in the reading too (its committed size is not all resident, so subtracting it misreads
 * either way): a collection that shrinks the heap can hide one window's growth, so the check errs toward passing a
 * small leak, never toward failing a flat run.
 */
public final class NativeMemoryProbe {
    /** Live pointers a run may add: lazily built caches (a packed weight, a thread's scope). */
    static final long MAX_POINTER_GROWTH = 16;

    private NativeMemoryProbe() {
    }

    /**
     * Runs {@code warmUp} rounds, then {@code windows} windows of {@code rounds} rounds each, and fails unless the live
     * pointer count stayed within {@link #MAX_POINTER_GROWTH} and at least one window grew resident memory by less than
     * {@code maxWindowGrowth} bytes.
     *
     * @return the resident growth of each window, in bytes
     */
    public static List<Long> assertFlat(Runnable round, int warmUp, int windows, int rounds, long maxWindowGrowth) {
        return assertFlat(round, warmUp, windows, rounds, maxWindowGrowth, Pointer::physicalBytes);
    }

    /** As above, with resident memory read from {@code resident} (the probe's own tests count bytes themselves). */
    static List<Long> assertFlat(Runnable round, int warmUp, int windows, int rounds, long maxWindowGrowth,
            LongSupplier resident) {
        for (int i = 0; i < warmUp; i++) round.run(); // allocator pools, grads, thread pools, packed copies
        System.gc();
        long count0 = Pointer.totalCount();
        long rss = resident.getAsLong();
        List<Long> growth = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < rounds; i++) round.run();
            System.gc();
            long now = resident.getAsLong();
            growth.add(now - rss);
            rss = now;
        }
        long count1 = Pointer.totalCount();
        assertTrue(count1 - count0 <= MAX_POINTER_GROWTH, "live native pointers grew from " + count0 + " to " + count1);
        long least = growth.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(least < maxWindowGrowth, "resident memory grew in every window of " + rounds + " rounds: "
                + growth.stream().map(g -> (g >> 20) + " MiB").toList());
        return growth;
    }
}
