package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.engine.ComputeDtype;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --dtype bf16} on score and generate: bf16 weights give token log-probabilities within 0.05 nats of fp32's
 * (bf16 rounds weights and matrix product inputs to 8 mantissa bits; tiny random model, 3 targets), generation runs,
 * and a wrong value names the allowed ones with exit status 2.
 */
class DtypeCommandsTest {
    @TempDir
    static Path tmp;

    static double[] logProbs(Path model, String dtype) {
        CliTest.Run r = CliTest.run("score", "--model", model.toString(), "--input-ids", "13,7,9", "--target-ids",
                "4,5,1", "--json", "--threads", "1", "--dtype", dtype);
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.readLine(Path.of("-"), 1, r.out().trim());
        double[] out = new double[n.get("token_logprobs").size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get("token_logprobs").get(i).asDouble();
        return out;
    }

    @Test
    void bf16ScoresTrackFp32AndGenerateRuns() {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 falls back to fp32 on this CPU");
        Path model = tmp.resolve("m");
        CliTest.Run init = CliTest.run("model", "init", "--preset", "tiny", "--seed", "3", "--out", model.toString());
        assertEquals(0, init.code(), init.err());
        double[] f32 = logProbs(model, "fp32");
        double[] b16 = logProbs(model, "bf16");
        boolean differs = false;
        for (int i = 0; i < f32.length; i++) {
            assertEquals(f32[i], b16[i], 0.05, "target " + i);
            differs |= f32[i] != b16[i];
        }
        assertTrue(differs, "bf16 must round somewhere (else the weights were not bf16)");
        CliTest.Run g = CliTest.run("generate", "--model", model.toString(), "--input-ids", "13,7,9",
                "--max-new-tokens", "4", "--threads", "1", "--dtype", "bf16");
        assertEquals(0, g.code(), g.err());
        assertFalse(g.out().isBlank());
        CliTest.Run bad = CliTest.run("generate", "--model", model.toString(), "--input-ids", "13", "--dtype", "fp8");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("fp32, bf16"), bad.err());
    }
}
