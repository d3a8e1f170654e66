package dev.t5j.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchModelCommandTest {
    @Test
    void aDropoutOutsideZeroToOneIsAOneLineUserError() {
        CliTest.Run r = CliTest.run("bench", "model", "--dropout", "1", "--gen-tokens", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dropout 1.0: must be in [0, 1)"), r.err());
    }

    @Test
    void aDropoutRateTrainsTheStepWithIt() {
        CliTest.Run r = CliTest.run("bench", "model", "--preset", "tiny", "--batch", "2", "--input-len", "12",
                "--target-len", "6", "--steps", "1", "--gen-tokens", "0", "--dropout", "0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*dropout 0\\.1 in the training step; on \\[2, 4, 12, 12\\] \\(encoder "
                + "attention probabilities\\): t5j [0-9.]+ ms, libtorch's torch.dropout [0-9.]+ ms\n.*"), r.out());
        assertTrue(r.out().contains("train (fwd+bwd+AdamW) tiny batch 2 x (12 in, 6 out)"), r.out());
    }
}
