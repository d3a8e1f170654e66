package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.demo.AdapterDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code t5j adapters demo}: full fine-tuning vs adapters vs HyperFormer++ vs LoRA on one pretrained base. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Pretrain a small T5, fine-tune it on four GLUE-shaped synthetic tasks with full multitask "
                + "fine-tuning, Houlsby adapters, HyperFormer++ and LoRA (same steps, data and seed), and print the "
                + "table of trained parameters, step time, optimizer state and task scores (docs/adapters.md).")
public final class AdaptersDemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/adapters-demo", description =
            "Output directory; its runs are rebuilt (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--pretrain-steps", defaultValue = "1000", description =
            "Pretraining steps on synthetic_easy (default ${DEFAULT-VALUE})")
    long pretrainSteps;
    @Option(names = "--steps", defaultValue = "500", description =
            "Fine-tuning steps of each method (default ${DEFAULT-VALUE})")
    long steps;
    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per batch (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--train-examples", defaultValue = "2000", description =
            "Training examples of a mid-sized task (default ${DEFAULT-VALUE})")
    int trainExamples;
    @Option(names = "--test-examples", defaultValue = "400", description =
            "Test examples per task (default ${DEFAULT-VALUE})")
    int testExamples;
    @Option(names = "--lr", defaultValue = "1e-3", description =
            "Fine-tuning learning rate, every method (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--seed", defaultValue = "0", description =
            "Seed of data, init and sampler (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (pretrainSteps < 1 || steps < 1 || trainExamples < 1 || testExamples < 1 || !(lr > 0))
            throw new UserError("--pretrain-steps, --steps, --train-examples, --test-examples and --lr must be "
                    + "positive");
        new AdapterDemo(new AdapterDemo.Options(out, pretrainSteps, steps, batchSize, trainExamples, testExamples,
                lr, threads, seed), System.out).run();
        return 0;
    }
}
