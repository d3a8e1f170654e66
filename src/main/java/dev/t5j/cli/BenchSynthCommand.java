package dev.t5j.cli;

import dev.t5j.synth.SynthTsv;
import dev.t5j.synth.SyntheticTask;
import dev.t5j.synth.SyntheticTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;

/**
 * {@code t5j bench synth}: examples per second of synthetic generation (generation plus TSV formatting, no disk), on one
 * thread and on all cores. Meant to be wired under the {@code bench} parent command.
 */
@Command(name = "synth", mixinStandardHelpOptions = true, description = "Benchmark synthetic task generation (examples/s).")
public final class BenchSynthCommand implements Callable<Integer> {
    @Option(names = "--task", split = ",", description = "Tasks (default: all 21).")
    List<String> tasks;

    @Option(names = "--count", defaultValue = "20000", description = "Examples per measurement (default: ${DEFAULT-VALUE}).")
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
            SyntheticTask t = SynthCommand.build(name, vocab, null, SyntheticTasks.DEFAULT_MIN_LENGTH, SyntheticTasks.DEFAULT_MAX_LENGTH);
            run(t, count, 1);  // warm-up: let the JIT compile the task's paths before measuring
            double one = run(t, count, 1);
            double all = run(t, count, cores);
            sum1 += one;
            sumN += all;
            System.out.printf(Locale.ROOT, "%-18s %14.0f %14.0f%n", name, one, all);
        }
        System.out.printf(Locale.ROOT, "%-18s %14.0f %14.0f%n", "mean", sum1 / names.size(), sumN / names.size());
        return 0;
    }

    /** Examples/s generating and formatting {@code n} examples on {@code threads} threads. */
    static double run(SyntheticTask task, long n, int threads) {
        LongAdder chars = new LongAdder();
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        long t0 = System.nanoTime();
        try {
            pool.submit(() -> LongStream.range(0, n).parallel().forEach(i ->
                    chars.add(SynthTsv.line(SyntheticTasks.example(task, 42, i)).length()))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (chars.sum() == 0) throw new IllegalStateException("nothing generated");
        return n / secs;
    }
}
