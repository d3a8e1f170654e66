package dev.t5j.cli;

import dev.t5j.bench.AdapterBench;
import dev.t5j.engine.MachineInfo;
import dev.t5j.engine.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j bench adapters}: step time and optimizer state of adapters/LoRA/HyperFormer++ vs full fine-tuning. */
@Command(name = "adapters", mixinStandardHelpOptions = true,
        description = "AdamW step time and optimizer-state bytes of parameter-efficient methods vs full fine-tuning.")
public final class BenchAdaptersCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "t5-small", description = "Model shape (default ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--batch", defaultValue = "8", description = "Rows per step (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--input-len", defaultValue = "128",
            description = "Input tokens per row (default ${DEFAULT-VALUE})")
    int inputLen;
    @Option(names = "--target-len", defaultValue = "32",
            description = "Target tokens per row (default ${DEFAULT-VALUE})")
    int targetLen;
    @Option(names = "--steps", defaultValue = "3", description = "Timed steps after one warm-up (median reported)")
    int steps;
    @Option(names = "--methods", split = ",", defaultValue = "none,adapter,lora,hyperformer++",
            description = "Methods to compare; none = full fine-tuning (default ${DEFAULT-VALUE})")
    List<String> methods;
    @Option(names = "--threads", description = "libtorch threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() {
        if (threads != null) Torch.init(threads);
        else Torch.init();
        MachineInfo.print(System.out);
        AdapterBench.run(new AdapterBench.Config(preset, batch, inputLen, targetLen, steps, methods), System.out);
        return 0;
    }
}
