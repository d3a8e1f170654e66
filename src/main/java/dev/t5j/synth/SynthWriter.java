package dev.t5j.synth;

import java.util.concurrent.ExecutionException;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Progress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Writes N examples of a task in the reference TSV format. Example i is generated from
 * {@link SyntheticTasks#exampleRandom}(seed, i), so the file is identical for any number of threads.
 */
public final class SynthWriter {
    private static final int CHUNK = 4096;

    private SynthWriter() {}

    public static void write(SyntheticTask task, long count, long seed, int threads, Path out,
            Progress progress) throws IOException {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0");
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            AtomicFiles.write(out, os -> writeTo(task, count, seed, pool, os, progress));
        } finally {
            pool.shutdown();
        }
    }

    private static void writeTo(SyntheticTask task, long count, long seed, ForkJoinPool pool, OutputStream os,
            Progress progress) throws IOException {
        String[] lines = new String[CHUNK];
        for (long start = 0; start < count; start += CHUNK) {
            final long base = start;
            int n = (int) Math.min(CHUNK, count - start);
            try {
                pool.submit(() -> IntStream.range(0, n).parallel().forEach(i ->
                        lines[i] = SynthTsv.line(SyntheticTasks.example(task, seed, base + i)))).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IOException(e.getCause());
            }
            StringBuilder sb = new StringBuilder(n * 256);
            for (int i = 0; i < n; i++) sb.append(lines[i]).append('\n');
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            if (progress != null) progress.step(n);
        }
    }
}
