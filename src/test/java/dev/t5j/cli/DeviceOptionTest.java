package dev.t5j.cli;

import dev.t5j.engine.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@code --device} values this machine cannot honour are user errors: exit 2, one line, no stack trace. */
class DeviceOptionTest {
    @TempDir
    Path tmp;

    CliTest.Run generate(String device) {
        Path m = tmp.resolve("m");
        CliTest.Run init = CliTest.run("model", "init", "--preset", "tiny-v1_1", "--seed", "3", "--out", m.toString());
        assertEquals(0, init.code(), init.err());
        return CliTest.run("generate", "--model", m.toString(), "--input-ids", "1,2", "--device", device);
    }

    @Test
    void cudaWithoutAGpuIsAUserError() {
        assumeFalse(Torch.cudaAvailable(), "this machine has CUDA");
        CliTest.Run r = generate("cuda");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no CUDA build/GPU on this machine"), r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void anUnknownDeviceNamesTheAllowedValues() {
        CliTest.Run r = generate("tpu");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'tpu'") && r.err().contains("cpu, cuda, cuda:N, auto"), r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void trainOnCudaWithoutAGpuIsAUserErrorThatWritesNothing() {
        assumeFalse(Torch.cudaAvailable(), "this machine has CUDA");
        for (List<String> how : List.of(List.of("--device", "cuda"), List.of("--set", "train.device=cuda:1"))) {
            Path out = tmp.resolve("run-" + how.get(0).replace("-", ""));
            List<String> args = new ArrayList<>(List.of("train", "--set", "train.steps=1", "--set", "out=" + out));
            args.addAll(how);
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("train.device 'cuda") && r.err().contains("CUDA is not available"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(out), "nothing written");
        }
        CliTest.Run r = CliTest.run("train", "--set", "train.device=tpu", "--set", "out=" + tmp.resolve("tpu"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("train.device 'tpu'") && r.err().contains("cpu, cuda, cuda:N, auto"), r.err());
    }
}
