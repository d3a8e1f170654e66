package dev.t5j.cli;

import dev.t5j.model.io.CheckpointBench;
import dev.t5j.model.io.DType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code t5j bench checkpoint}: safetensors write and load speed (mmap vs copy), see {@link CheckpointBench}. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Benchmark safetensors write and load speed (GB/s): memory-mapped vs copied reads.")
public final class BenchCheckpointCommand implements Callable<Integer> {
    @Option(names = "--size-mb", defaultValue = "500", description =
            "Tensor data to write, in MB (default ${DEFAULT-VALUE}).")
    long sizeMb;

    @Option(names = "--dtype", defaultValue = "F32", description = "F32, BF16 or F16 (default ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--repeats", defaultValue = "3", description =
            "Timed reads per mode; the best is reported (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--dir", description = "Folder for the temporary file (default: the system temp folder).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!dtype.isFloatingPoint()) throw new CommandLine.ParameterException(new CommandLine(this),
                "--dtype must be a float type");
        Path d = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"), "t5j-bench-checkpoint");
        CheckpointBench.run(d, sizeMb * 1_000_000L, dtype, Math.max(1, repeats), System.out);
        return 0;
    }

    /** Standalone entry until the lead mounts this under {@code t5j bench}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCheckpointCommand()).execute(args));
    }
}
