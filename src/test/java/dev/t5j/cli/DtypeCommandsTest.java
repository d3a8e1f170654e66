package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.engine.ComputeDtype;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
    /** eval, predict and rank take --dtype bf16 too: they run, and eval's metrics are those of a bf16 model. */
    @Test
    void evalPredictAndRankRunInBf16() throws Exception {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 falls back to fp32 on this CPU");
        Path model = tmp.resolve("e");
        assertEquals(0, CliTest.run("model", "init", "--preset", "tiny", "--seed", "4", "--out", model.toString())
                .code());
        String[] task = {"--task", "synth_reverse", "--synth-length", "4,12", "--synth-pool", "68", "-n", "3",
                "--max-new-tokens", "4", "--threads", "1", "--json", "--dtype"};
        for (String dtype : new String[]{"fp32", "bf16"}) {
            CliTest.Run ev = CliTest.run(concat(new String[]{"eval", "--model", model.toString()}, task, dtype));
            assertEquals(0, ev.code(), ev.err());
            assertTrue(ev.out().contains("synth_reverse"), ev.out());
        }
        Path out = tmp.resolve("p.jsonl");
        CliTest.Run pr = CliTest.run("predict", "--model", model.toString(), "--out", out.toString(), "--task",
                "synth_reverse", "--synth-length", "4,12", "--synth-pool", "68", "-n", "3", "--max-new-tokens", "4",
                "--threads", "1", "--dtype", "bf16");
        assertEquals(0, pr.code(), pr.err());
        assertEquals(3, Files.readAllLines(out).size());
        Path in = tmp.resolve("rank.jsonl");
        Files.writeString(in, "{\"inputs\": \"abc\", \"choices\": [\"x\", \"yz\"]}\n");
        double[] first = new double[2];
        for (int i = 0; i < 2; i++) {
            CliTest.Run r = CliTest.run("rank", "--model", model.toString(), "--vocab", "byte", "--input",
                    in.toString(), "--json", "--threads", "1", "--dtype", i == 0 ? "fp32" : "bf16");
            assertEquals(0, r.code(), r.err());
            first[i] = Json.readLine(Path.of("-"), 1, r.out().lines().findFirst().orElseThrow()).get("scores")
                    .get(0).asDouble();
        }
        assertEquals(first[0], first[1], 0.1, "bf16 rank scores track fp32's");
        assertNotEquals(first[0], first[1], "bf16 must round somewhere (else the weights were not bf16)");
    }

    private static String[] concat(String[] a, String[] b, String last) {
        String[] out = Arrays.copyOf(a, a.length + b.length + 1);
        System.arraycopy(b, 0, out, a.length, b.length);
        out[out.length - 1] = last;
        return out;
    }
}
