package dev.t5j.cli;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;
import dev.t5j.demo.T0Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j t0}: T0 (prompted multitask training, zero-shot rank classification); see docs/t0.md. */
@Command(name = "t0", mixinStandardHelpOptions = true, description = "T0: prompted multitask training and zero-shot "
        + "evaluation (docs/t0.md).", subcommands = {T0Command.Demo.class})
public final class T0Command implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, description = "Train a small T5 on held-in datasets "
            + "through their prompts and, for comparison, on raw fields; evaluate both zero-shot by rank "
            + "classification on held-out prompts and a held-out dataset (about 15 minutes on 2 cores).")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "runs/t0-demo", description = "Output directory (default "
                + "${DEFAULT-VALUE})")
        Path out;
        @Option(names = "--steps", description = "Training steps of each model (default 1000)")
        Long steps;
        @Option(names = "--eval-examples", description = "Label-balanced examples per evaluated template "
                + "(default 200)")
        Integer evalExamples;
        @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (default ${DEFAULT-VALUE})")
        int threads;
        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--set", description = "Override a key of both runs' train config, e.g. --set "
                + "model.preset=tiny")
        List<String> overrides = new ArrayList<>();
        @Option(names = "--overwrite", description = "Replace an earlier demo in --out")
        boolean overwrite;
        @Option(names = "--resume", description = "Continue an earlier demo in --out: training runs with the same "
                + "config continue from their last checkpoint (finished ones are reused); the rest reruns")
        boolean resume;

        @Override
        public Integer call() throws Exception {
            if (overwrite && resume) throw new UserError("give --overwrite or --resume, not both");
            if (Files.exists(out.resolve("config.yaml")) && !resume) {
                if (!overwrite) throw new UserError(out + " holds an earlier t0 demo; pass --overwrite to replace "
                        + "it, --resume to continue it, or --out DIR");
                AtomicFiles.deleteRecursively(out);
            }
            T0Demo.Options d = T0Demo.Options.defaults(out);
            long s = steps != null ? steps : d.steps();
            int n = evalExamples != null ? evalExamples : d.evalExamples();
            if (s < 1) throw new UserError("--steps must be >= 1, got " + s);
            if (n < 2) throw new UserError("--eval-examples must be >= 2 (one of each label), got " + n);
            new T0Demo(new T0Demo.Options(out, d.preset(), s, d.batchSize(), d.inputsLength(), d.targetsLength(),
                    d.lr(), d.trainRows(), n, d.vocabSize(), threads, seed, d.protocol(), overrides, resume),
                    System.out).run();
            return 0;
        }
    }
}
