package dev.t5j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16 item 8: eval and predict show progress (done/total, rate, ETA) on stderr, never on stdout. */
class EvalProgressTest {
    @Test
    void evalAndPredictPrintProgressOnStderr(@TempDir Path tmp) {
        Path model = tmp.resolve("m");
        assertEquals(0, CliTest.run("model", "init", "--preset", "tiny", "--out", model.toString()).code());
        String[] data = {"--task", "synth_reverse", "--synth-length", "4,12", "--synth-pool", "68", "-n", "3",
                "--max-new-tokens", "4"};
        PrintStream oldErr = System.err;
        String quiet = System.clearProperty("t5j.quiet"); // another test class may have silenced progress
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CliTest.Run ev = CliTest.run(concat(new String[] {"eval", "--model", model.toString(), "--json"}, data));
            assertEquals(0, ev.code(), ev.err());
            assertFalse(ev.out().contains("ETA"), "stdout stays machine-readable: " + ev.out());
            CliTest.Run pr = CliTest.run(concat(new String[] {"predict", "--model", model.toString(), "--out",
                    tmp.resolve("p.jsonl").toString()}, data));
            assertEquals(0, pr.code(), pr.err());
        } finally {
            System.setErr(oldErr);
            if (quiet != null) System.setProperty("t5j.quiet", quiet);
        }
        String progress = err.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("eval synth_reverse 3/3 examples (100.0%)"), progress);
        assertTrue(progress.contains("examples/s ETA"), progress);
        assertTrue(progress.split("eval synth_reverse 3/3", -1).length - 1 >= 2, "eval and predict: " + progress);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
