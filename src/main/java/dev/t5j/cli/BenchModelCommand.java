package dev.t5j.cli;

import dev.t5j.bench.ModelBench;
import dev.t5j.engine.MachineInfo;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Torch;
import dev.t5j.common.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "model", mixinStandardHelpOptions = true,
        description =
                "Training-step throughput (tokens/s, GFLOP/s, %% of sgemm peak) and generation tokens/s with and " +
                "without the KV cache.")
public final class BenchModelCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "t5-small",
            description = "Model architecture to measure (default ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--batch", defaultValue = "8",
            description = "Batch size (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--input-len", defaultValue = "512",
            description = "Input length in tokens (default ${DEFAULT-VALUE})")
    int inputLen;
    @Option(names = "--target-len", defaultValue = "128",
            description = "Target length in tokens (default ${DEFAULT-VALUE})")
    int targetLen;
    @Option(names = "--steps", defaultValue = "3", description =
            "Timed training steps after one warm-up (best is reported)")
    int steps;
    @Option(names = "--gen-tokens", defaultValue = "32", description =
            "Tokens generated per sequence in the generation benchmark (0: training step only)")
    int genTokens;
    @Option(names = "--dtype", defaultValue = "fp32", converter = DtypeOption.class,
            description = "fp32, or bf16: forward matrix products in bf16 (CPU autocast) with fp32 weights and "
                    + "optimizer; falls back to fp32 with a warning on CPUs without bf16 units")
    ComputeDtype dtype;
    @Option(names = "--dropout", defaultValue = "0", description = "Dropout rate in the training step (default "
            + "${DEFAULT-VALUE}, as the PyTorch anchors; T5 fine-tunes with 0.1)")
    double dropout;
    @Option(names = "--threads", description = "libtorch threads (default: all cores)")
    Integer threads;
    @Option(names = "--profile", description = "Also print time per module kind (embedding, attention, "
            + "feed-forward, layer norm, lm head + loss, backward, optimizer, data) for the best training step and "
            + "for greedy decoding; T5J_PROFILE=1 does the same")
    boolean profile;

    @Override
    public Integer call() {
        if (!(dropout >= 0 && dropout < 1)) throw new UserError("--dropout " + dropout + ": must be in [0, 1)");
        if (threads != null) Torch.init(threads);
        else Torch.init();
        MachineInfo.print(System.out);
        if (profile) Profiler.enable();
        ModelBench.run(new ModelBench.Config(preset, batch, inputLen, targetLen, steps, genTokens,
                dtype.resolve(System.err), dropout), System.out);
        return 0;
    }
}
