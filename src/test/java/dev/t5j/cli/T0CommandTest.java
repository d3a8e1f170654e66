package dev.t5j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code t5j t0 demo}'s option checks (the demo itself: T0DemoTest). */
class T0CommandTest {
    @TempDir
    Path tmp;

    @Test
    void anEarlierDemoIsKeptUnlessOverwriteOrResume() throws Exception {
        Files.writeString(tmp.resolve("config.yaml"), "earlier: true\n");
        CliTest.Run r = CliTest.run("t0", "demo", "--out", tmp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--overwrite") && r.err().contains("--resume"), r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("config.yaml")), "nothing removed");
        r = CliTest.run("t0", "demo", "--out", tmp.toString(), "--overwrite", "--resume");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("not both"), r.err());
    }

    @Test
    void badCountsAreUserErrors() {
        CliTest.Run r = CliTest.run("t0", "demo", "--out", tmp.resolve("d").toString(), "--steps", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--steps"), r.err());
        r = CliTest.run("t0", "demo", "--out", tmp.resolve("d").toString(), "--eval-examples", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--eval-examples"), r.err());
        assertTrue(!Files.exists(tmp.resolve("d")), "nothing written before the checks");
    }
}
