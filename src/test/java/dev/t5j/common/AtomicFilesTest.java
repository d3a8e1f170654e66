package dev.t5j.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The guarantee checkpoints rely on: a failed write (e.g. a full disk) leaves the previous version intact. */
class AtomicFilesTest {
    @Test
    void failedDirectoryWriteKeepsThePreviousDirectoryAndLeavesNoTemporaries(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("step_00000002");
        AtomicFiles.writeDirectory(ckpt, d -> AtomicFiles.writeString(d.resolve("model.safetensors"), "old"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(ckpt, d -> {
            AtomicFiles.writeString(d.resolve("model.safetensors"), "new, half written");
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", e.getMessage());
        assertEquals("old", Files.readString(ckpt.resolve("model.safetensors")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temporary directory is left behind");
        }
    }

    @Test
    void failedFileWriteKeepsTheOldFile(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("preds.jsonl");
        AtomicFiles.writeString(f, "old\n");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, os -> {
            os.write("partial".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old\n", Files.readString(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }
}
