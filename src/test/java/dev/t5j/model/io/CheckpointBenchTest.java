package dev.t5j.model.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's plumbing only (every mode reads every byte, the temp file is removed); no timing asserted. */
class CheckpointBenchTest {
    @TempDir
    Path dir;

    @Test
    void everyModeReadsTheWholeFileAndCleansUp() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<CheckpointBench.Result> rs = CheckpointBench.run(dir, 20_000_000, DType.BF16, 1, new PrintStream(buf));
        assertEquals(List.of("write", "mmap-open", "mmap-touch", "mmap-floats", "copy", "copy-floats"),
                rs.stream().map(CheckpointBench.Result::mode).toList());
        long bytes = rs.get(0).bytes();
        assertTrue(bytes >= 20_000_000, "at least the requested size: " + bytes);
        for (CheckpointBench.Result r : rs) assertEquals(bytes, r.bytes(), r.mode());
        assertFalse(Files.exists(dir.resolve("bench.safetensors")));
        assertTrue(buf.toString().contains("mmap-floats"));
    }
}
