package dev.t5j.bench;

import dev.t5j.engine.ComputeDtype;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** {@code t5j bench decode}: the line bench/compare.sh parses, and what its figure means (no timing asserted). */
class DecodeBenchTest {
    private static final Pattern LINE = Pattern.compile(
            "t5j tiny (greedy|beam2) batch=2 in=5 new=3 threads=\\d+( dtype=bf16)?: best ([0-9.]+) s, ([0-9.]+) "
                    + "tokens/s, "
                    + "[0-9.]+ ms/step");
    private static final Pattern SPLIT = Pattern.compile(
            " {2}split: encoder ([0-9.]+) s \\(best of 1, timed alone\\), decoder -?[0-9.]+ ms/step \\(the rest\\)");

    @Test
    void greedyAndBeamPrintTheParsedLineWithTokensOverBestTime() {
        for (int beams : new int[]{1, 2}) check(beams, ComputeDtype.FP32);
    }

    @Test
    void bf16NamesItsDtypeInTheLine() {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 falls back to fp32 on this CPU");
        check(1, ComputeDtype.BF16);
    }

    private static void check(int beams, ComputeDtype dtype) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DecodeBench.Result r = DecodeBench.run(new DecodeBench.Config("tiny", 2, 5, 3, beams, 1, dtype),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8).trim();
        String[] lines = out.split("\n");
        assertEquals(2, lines.length, out);
        Matcher m = LINE.matcher(lines[0]);
        assertTrue(m.matches(), out);
        assertEquals(beams == 1 ? "greedy" : "beam2", m.group(1));
        assertEquals(dtype == ComputeDtype.BF16, m.group(2) != null, lines[0]);
        assertEquals(2 * 3 / r.bestSeconds(), r.tokensPerSecond(), 1e-9);
        assertEquals(r.tokensPerSecond(), Double.parseDouble(m.group(4)), 0.051);
        // the encoder alone, timed apart, and the steps' share of the best run (as the ONNX Runtime anchor prints)
        Matcher split = SPLIT.matcher(lines[1]);
        assertTrue(split.matches(), lines[1]);
        double enc = Double.parseDouble(split.group(1));
        assertTrue(enc >= 0 && enc < r.bestSeconds() * 10, lines[1]);
    }
}
