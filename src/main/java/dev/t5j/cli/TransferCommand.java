package dev.t5j.cli;

import java.nio.file.Files;
import dev.t5j.common.AtomicFiles;
import dev.t5j.demo.TransferDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j transfer}: random init vs synthetic-pretrained init on a downstream task. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description =
                "Fine-tune a downstream task from random init and from the quickstart's synthetic-pretrained model; " +
                "print both scores.")
public final class TransferCommand implements Callable<Integer> {
    @Option(names = "--pretrained", defaultValue = "runs/quickstart/model", description =
            "Pretrained model (default ${DEFAULT-VALUE})")
    Path pretrained;
    @Option(names = "--task", defaultValue = "synth_duplicate", description =
            "Downstream task, not in the pretraining mixture (default ${DEFAULT-VALUE})")
    String task;
    @Option(names = "--steps", defaultValue = "600", description =
            "Fine-tuning steps for each run (default ${DEFAULT-VALUE})")
    long steps;
    @Option(names = "--out", defaultValue = "runs/transfer", description =
            "Where both runs go (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--set", description = "Extra run-config overrides for both runs")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (String sub : new String[]{"scratch", "pretrained"})
            if (Files.exists(out.resolve(sub))) AtomicFiles.deleteRecursively(out.resolve(sub));
        TransferDemo.run(pretrained, task, steps, out, overrides, System.out);
        return 0;
    }
}
