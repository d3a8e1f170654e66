package dev.t5j.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchDecodeCommandTest {
    @Test
    void nonPositiveOptionIsAOneLineUserError() {
        CliTest.Run r = CliTest.run("bench", "decode", "--beams", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--beams 0: must be at least 1"), r.err());
    }
}
