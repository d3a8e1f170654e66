package dev.t5j.cli;

import java.io.PrintWriter;
import dev.t5j.common.UserError;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.TaskCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code t5j data cache}: preprocess a task (or every task of a mixture) into sharded cache files. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description =
                "Preprocess and tokenize a task or mixture into DIR/<task>/<split>/ shards with info.json, " +
                "stats.json and COMPLETED.")
public final class DataCacheCommand implements Runnable {
    @Mixin
    DataOptions data;

    @Mixin
    ReadingOptions reading;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "cache directory")
    Path outDir;

    @Option(names = "--shards", defaultValue = "8", description = "shards per split (default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--overwrite", description = "replace an existing complete cache")
    boolean overwrite;

    /** Above this many examples a split is cached only when asked for: synthetic train splits hold 100,000,000. */
    static final long LARGE_SPLIT = 10_000_000L;

    @Option(names = "--allow-large", description = "cache a split of more than 10,000,000 examples (gigabytes of "
            + "files; the synthetic tasks' train splits have 100,000,000)")
    boolean allowLarge;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        DatasetProvider p = data.provider();
        ReadOptions o = reading.readOptions(data);
        if (shards < 1) throw new UserError("--shards must be >= 1, got " + shards);
        List<Mixture.WeightedTask> tasks = new ArrayList<>(p.weightedTasks(o));
        if (p instanceof Mixture) tasks.removeIf(wt -> {
            boolean missing = !wt.task().splits().contains(o.split());
            if (missing)
                spec.commandLine().getErr().println("t5j: note: task '" + wt.task().name() + "' has no split '"
                        + o.split() + "'; not cached");
            return missing;
        });
        for (Mixture.WeightedTask wt : tasks) wt.task().source().check(o.split()); // all errors before any work
        for (Mixture.WeightedTask wt : tasks) {
            long n = wt.task().source().numExamples(o.split()).orElse(0);
            if (n > LARGE_SPLIT && !allowLarge)
                throw new UserError(String.format(Locale.ROOT, "task '%s' split '%s' has %,d examples: caching it "
                        + "writes gigabytes; pass --allow-large to do so, or cache another split (--split validation)",
                        wt.task().name(), o.split(), n));
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        for (Mixture.WeightedTask wt : tasks) {
            try {
                TaskCache.Result r = TaskCache.write(wt.task(), o, outDir, new TaskCache.Options(shards, t, overwrite,
                        true));
                out.printf(Locale.ROOT,
                        "cached %s/%s: %d examples, %d bytes in %d shards, %.1f s (%.0f examples/s) -> %s%n",
                        wt.task().name(), o.split(), r.examples(), r.bytes(), shards, r.seconds(),
                                r.examples() / Math.max(r.seconds(), 1e-9), r.dir());
            } catch (IOException e) {
                throw new UserError("cannot write the cache under " + outDir + ": " + e, e);
            }
        }
        reading.reportBadLines(spec.commandLine().getErr());
        out.flush();
    }
}
