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
        // what the CLI prints for it (exit 2): says the disk is full and that the previous checkpoint is kept
        UserError shown = IoErrors.translate(new java.io.UncheckedIOException(e));
        assertNotNull(shown);
        assertTrue(shown.getMessage().startsWith("disk full") && shown.getMessage().contains("previous"),
                shown.getMessage());
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

    @Test
    void writtenFilesAndDirectoriesHonourTheUmask(@TempDir Path tmp) throws Exception {
        // Files.createTemp* would give 0600/0700 whatever the umask; the renamed result must look like any new file
        Path probeFile = Files.createFile(tmp.resolve("probe"));
        Path probeDir = Files.createDirectory(tmp.resolve("probe-dir"));
        Path f = tmp.resolve("out.txt");
        AtomicFiles.writeString(f, "x");
        Path d = tmp.resolve("ckpt");
        AtomicFiles.writeDirectory(d, x -> AtomicFiles.writeString(x.resolve("a"), "y"));
        assertEquals(Files.getPosixFilePermissions(probeFile), Files.getPosixFilePermissions(f));
        assertEquals(Files.getPosixFilePermissions(probeDir), Files.getPosixFilePermissions(d));
        assertEquals(Files.getPosixFilePermissions(probeFile), Files.getPosixFilePermissions(d.resolve("a")));
    }
}
