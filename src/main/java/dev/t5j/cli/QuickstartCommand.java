package dev.t5j.cli;

import dev.t5j.engine.Torch;
import dev.t5j.train.Quickstart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code t5j quickstart}: the built-in demo on defaults. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train a tiny T5 on CPU to reverse token sequences (about a minute), evaluate it, and save it.")
public final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "600", description = "Training steps (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--out", defaultValue = "runs/quickstart/model", description = "Where the model is saved (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--threads", description = "libtorch threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (threads != null) Torch.init(threads);
        else Torch.init();
        Quickstart.Config d = Quickstart.Config.defaults();
        Quickstart.run(new Quickstart.Config(steps, d.batch(), d.lr(), seed, d.evalExamples(), out), System.out);
        return 0;
    }
}
