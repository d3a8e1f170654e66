package dev.t5j.engine;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe tells a steady leak from a one-off rise. */
class NativeMemoryProbeTest {
    private static final long MIB = 1L << 20;

    /**
     * Private pages of a mapped file, written so that they are resident and anonymous (JavaCPP's reading leaves out
     * shared pages). Not malloc'ed: glibc may hand back pages an earlier test freed, resident already. Not JavaCPP
     * pointers either, so only the resident reading can see them.
     */
    private final List<MappedByteBuffer> held = new ArrayList<>();

    private void holdTouched(long bytes) {
        try (FileChannel ch = FileChannel.open(Files.createTempFile("probe", ".bin"), StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), bytes - 1); // the file's length: a private map cannot extend it
            MappedByteBuffer b = ch.map(FileChannel.MapMode.PRIVATE, 0, bytes); // stays mapped after close
            for (int i = 0; i < bytes; i += 4096) b.put(i, (byte) 1);
            held.add(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void release() {
        held.clear(); // the mappings go with the buffers, at the next collection
    }

    /** Collections before the probe, so that the heap of earlier tests does not shrink inside its windows. */
    private static void settleHeap() {
        for (int i = 0; i < 3; i++) System.gc();
    }

    @Test
    void aSteadyLeakFailsEvenWithoutNewPointers() {
        settleHeap();
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> NativeMemoryProbe.assertFlat(() -> holdTouched(8 * MIB), 2, 3, 4, 4 * MIB));
            assertTrue(e.getMessage().contains("grew in every window"), e.getMessage());
        } finally {
            release();
        }
    }

    @Test
    void aOneOffRiseInOneWindowPasses() {
        int[] n = {0};
        settleHeap();
        try {
            List<Long> growth = assertDoesNotThrow(() -> NativeMemoryProbe.assertFlat(() -> {
                if (n[0]++ == 5) holdTouched(128 * MIB); // the first window's high-water mark
            }, 2, 3, 8, 4 * MIB));
            assertTrue(growth.get(0) >= 64 * MIB, "the rise shows in the first window: " + growth);
        } finally {
            release();
        }
    }

    @Test
    void keptPointersFail() {
        List<Pointer> kept = new ArrayList<>();
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> NativeMemoryProbe.assertFlat(() -> kept.add(new IntPointer(4)),
                            0, 1, 20, 64 * MIB));
            assertTrue(e.getMessage().contains("live native pointers grew"), e.getMessage());
        } finally {
            kept.forEach(Pointer::close);
        }
    }
}
