package dev.t5j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;
import dev.t5j.demo.Quickstart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j quickstart}: the built-in first run on defaults. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train a small T5 from scratch on CPU on built-in synthetic tasks (about 10 minutes on 2 cores), "
                + "evaluate it on held-out examples and write a report.")
public final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/quickstart", description = "Run directory (default ${DEFAULT-VALUE})")
    String out;
    @Option(names = "--set", description =
            "Override a run-config key, e.g. --set train.steps=500 (see t5j train --print-config)")
    List<String> overrides = new ArrayList<>();
    @Option(names = "--overwrite", description = "Replace an existing run directory")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Path dir = Path.of(out);
        if (Files.exists(dir.resolve("metrics.jsonl"))) {
            if (!overwrite)
                throw new UserError(dir
                        + " holds an earlier quickstart run; pass --overwrite to replace it or --out DIR");
            AtomicFiles.deleteRecursively(dir);
        }
        Quickstart.run(out, overrides, System.out);
        return 0;
    }
}
