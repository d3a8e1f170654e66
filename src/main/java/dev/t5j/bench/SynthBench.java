package dev.t5j.bench;

import dev.t5j.synth.SynthTsv;
import dev.t5j.synth.SyntheticTask;
import dev.t5j.synth.SyntheticTasks;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;

/** Synthetic generation speed ({@code t5j bench synth}): generation plus TSV formatting, no disk. */
public final class SynthBench {
    private SynthBench() {}

    /** Examples/s generating and formatting {@code n} examples on {@code threads} threads. */
    public static double run(SyntheticTask task, long n, int threads) {
        LongAdder chars = new LongAdder();
        ForkJoinPool pool = new ForkJoinPool(threads);
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
