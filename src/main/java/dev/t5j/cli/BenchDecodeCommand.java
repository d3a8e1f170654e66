package dev.t5j.cli;

import dev.t5j.bench.DecodeBench;
import dev.t5j.common.UserError;
import dev.t5j.engine.MachineInfo;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code t5j bench decode}: decoding tokens/s alone, on the anchors' span; bench/compare.sh calls it. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Greedy or beam decoding tokens/s (encoder + all steps, best of --runs after a warm-up), "
                + "random weights; bench/compare.sh runs it back to back with the PyTorch/HF and ONNX Runtime anchors.")
public final class BenchDecodeCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "t5-small",
            description = "Model architecture (default ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--batch", defaultValue = "1",
            description = "Sequences decoded together (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--input-len", defaultValue = "64", description = "Input tokens (default ${DEFAULT-VALUE})")
    int inputLen;
    @Option(names = "--new-tokens", defaultValue = "16",
            description = "Tokens generated per sequence, EOS forbidden before (default ${DEFAULT-VALUE})")
    int newTokens;
    @Option(names = "--beams", defaultValue = "1", description = "1 = greedy, more = beam search "
            + "(default ${DEFAULT-VALUE})")
    int beams;
    @Option(names = "--runs", defaultValue = "3", description = "Timed runs after one warm-up; the best is reported "
            + "(default ${DEFAULT-VALUE})")
    int runs;
    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (default ${DEFAULT-VALUE})")
    int threads;
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();
    @Option(names = "--profile", description = "Also print time per module kind for the best run (as T5J_PROFILE=1)")
    boolean profile;

    @Override
    public Integer call() {
        positive("--batch", batch);
        positive("--input-len", inputLen);
        positive("--new-tokens", newTokens);
        positive("--beams", beams);
        positive("--runs", runs);
        Torch.init(threads);
        MachineInfo.print(System.out);
        if (profile) Profiler.enable();
        DecodeBench.run(new DecodeBench.Config(preset, batch, inputLen, newTokens, beams, runs,
                dtype.resolve()), System.out);
        return 0;
    }

    private static void positive(String option, int value) {
        if (value < 1) throw new UserError(option + " " + value + ": must be at least 1");
    }
}
