package dev.t5j.cli;

import dev.t5j.bench.SynthBench;
import dev.t5j.synth.SyntheticTask;
import dev.t5j.synth.SyntheticTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code t5j bench synth}: examples per second of synthetic generation (generation plus TSV formatting, no disk), on
 * one
 * thread and on all cores. Meant to be wired under the {@code bench} parent command.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Benchmark synthetic task generation (examples/s).")
public final class BenchSynthCommand implements Callable<Integer> {
    @Option(names = "--task", split = ",", description = "Tasks (default: all 21).")
    List<String> tasks;

    @Option(names = "--count", defaultValue = "20000",
            description = "Examples per measurement (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--vocab", description = "Vocabulary file (default: built-in small vocabulary).")
    Path vocab;

    @Option(names = "--threads", description = "Threads for the multi-thread run (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        List<String> names = tasks != null ? tasks : SyntheticTasks.PAPER_TASKS;
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "%-18s %14s %14s  (count %d, %d threads, java %s)%n", "task", "1 thread ex/s",
                "all cores ex/s", count, cores, System.getProperty("java.version"));
        double sum1 = 0, sumN = 0;
        for (String name : names) {
            SyntheticTask t = SynthCommand.build(name, vocab, null, SyntheticTasks.DEFAULT_MIN_LENGTH,
                    SyntheticTasks.DEFAULT_MAX_LENGTH);
            SynthBench.run(t, count, 1);  // warm-up: let the JIT compile the task's paths before measuring
            double one = SynthBench.run(t, count, 1);
            double all = SynthBench.run(t, count, cores);
            sum1 += one;
            sumN += all;
            System.out.printf(Locale.ROOT, "%-18s %14.0f %14.0f%n", name, one, all);
        }
        System.out.printf(Locale.ROOT, "%-18s %14.0f %14.0f%n", "mean", sum1 / names.size(), sumN / names.size());
        return 0;
    }
}
