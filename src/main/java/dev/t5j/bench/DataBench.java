package dev.t5j.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import dev.t5j.data.BadLines;
import dev.t5j.data.DataSource;
import dev.t5j.data.EncDecFeatureConverter;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Feature;
import dev.t5j.data.FileSplits;
import dev.t5j.data.JsonlSource;
import dev.t5j.data.MemorySource;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Shard;
import dev.t5j.data.Task;
import dev.t5j.data.TaskCache;
import dev.t5j.data.TextLineSource;
import dev.t5j.data.objectives.Denoising;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The data benchmark behind {@code t5j bench data}: throughput of tokenization + span corruption + packing over a
 * text corpus, and of reading the same stream back from a cache, with 1 thread and with N threads (worker shards
 * i of N, as several training processes would read).
 */
public final class DataBench {
    private DataBench() {}

    public record Config(Path corpus, int docs, int threads, int inputsLength, int targetsLength, Vocabulary vocab,
            Path workDir) {}

    /** One measurement. {@code examples}: span-corrupted examples; {@code rows}: packed model rows. */
    public record Figure(String what, int threads, long docs, long examples, long rows, long tokens, double seconds) {
        public double examplesPerSecond() {
            return examples / seconds;
        }
    }

    public static List<String> loadCorpus(Path corpus) {
        if (!Files.isRegularFile(corpus)) throw new UserError(corpus + ": corpus file not found (--corpus)");
        List<String> texts = new ArrayList<>();
        boolean jsonl = corpus.toString().endsWith(".jsonl");
        DataSource src = jsonl ? new JsonlSource(FileSplits.of("train", corpus), List.of("text"))
                : new TextLineSource(FileSplits.of("train", corpus), "text", 0);
        try (ExampleIterator it = src.open("train", Shard.ALL, BadLines.stop())) {
            while (it.hasNext()) texts.add(it.next().string("text"));
        }
        if (texts.isEmpty()) throw new UserError(corpus + ": corpus is empty");
        return texts;
    }

    static Task task(String name, List<String> texts, int docs, Vocabulary v, boolean placeholder) {
        List<Example> l = new ArrayList<>(docs);
        for (int i = 0; i < docs; i++) l.add(Example.of("text", texts.get(i % texts.size())));
        Task.Builder b = Task.builder(name).source(MemorySource.of("train", l))
                .preprocessor(Preprocessors.rekey(Map.of("inputs", "", "targets", "text")))
                .preprocessor(Preprocessors.tokenize(false, false));
        if (placeholder) b.preprocessor(Preprocessors.CACHE_PLACEHOLDER);
        return b.preprocessor(Denoising.spanCorruption(0.15, 3.0, true))
                .preprocessor(Preprocessors.appendEosAfterTrim())
                .feature("inputs", new Feature(v, true, false)).feature("targets", new Feature(v, true, true)).build();
    }

    /** Reads the task with {@code threads} worker shards in parallel, packing each shard's stream. */
    static Figure measure(String what, Task t, ReadOptions base, int threads, int inLen, int tgLen,
            long docs) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Shard s = new Shard(i, threads);
                fs.add(pool.submit(() -> {
                    long rows = 0, tokens = 0;
                    long[] ex = {0};
                    try (ExampleIterator it = t.open(base.withShard(s))) {
                        Iterator<Example> counted = new Iterator<>() {
                            public boolean hasNext() { return it.hasNext(); }
                            public Example next() { ex[0]++; return it.next(); }
                        };
                        Iterator<EncDecFeatureConverter.Row> conv = new EncDecFeatureConverter(inLen, tgLen,
                                true).convert(counted);
                        while (conv.hasNext()) {
                            EncDecFeatureConverter.Row r = conv.next();
                            rows++;
                            for (int w : r.decoderLossWeights()) tokens += w;
                        }
                    }
                    return new long[] {ex[0], rows, tokens};
                }));
            }
            long ex = 0, rows = 0, tokens = 0;
            for (Future<long[]> f : fs) {
                long[] r = f.get();
                ex += r[0];
                rows += r[1];
                tokens += r[2];
            }
            return new Figure(what, threads, docs, ex, rows, tokens, (System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Best of {@link #REPEATS} runs (less noise from other processes on a shared machine). */
    static Figure best(String what, Task t, ReadOptions ro, int threads, Config c) throws IOException {
        Figure best = null;
        for (int i = 0; i < REPEATS; i++) {
            Figure f = measure(what, t, ro, threads, c.inputsLength(), c.targetsLength(), c.docs());
            if (best == null || f.seconds() < best.seconds()) best = f;
        }
        return best;
    }

    static final int REPEATS = 3;

    static Figure bestWrite(String what, Task t, ReadOptions ro, Path dir, int threads, long docs) throws IOException {
        Figure best = null;
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            TaskCache.Result r = TaskCache.write(t, ro, dir, new TaskCache.Options(8, threads, true, false));
            Figure f = new Figure(what, threads, docs, r.examples(), 0, r.bytes(), (System.nanoTime() - t0) / 1e9);
            if (best == null || f.seconds() < best.seconds()) best = f;
        }
        return best;
    }

    public static List<Figure> run(Config c, PrintWriter log) throws IOException {
        List<String> texts = loadCorpus(c.corpus());
        Map<String, Integer> lengths = new LinkedHashMap<>();
        lengths.put("inputs", c.inputsLength());
        lengths.put("targets", c.targetsLength());
        ReadOptions ro = ReadOptions.split("train").withSequenceLengths(lengths).withSeed(1);
        Task full = task("bench_span_corruption", texts, c.docs(), c.vocab(), false);
        Task split = task("bench_span_corruption_placeholder", texts, c.docs(), c.vocab(), true);
        // warm-up (JIT): one untimed pass
        measure("warmup", full, ro, 1, c.inputsLength(), c.targetsLength(), 0);
        List<Figure> out = new ArrayList<>();
        int[] threadCounts = c.threads() > 1 ? new int[] {1, c.threads()} : new int[] {1};
        for (int th : threadCounts) out.add(log(log, best("recompute: tokenize + span corruption + pack", full, ro,
                th, c)));
        Path dir = c.workDir().resolve("bench-cache-" + System.nanoTime());
        try {
            for (int th : threadCounts) out.add(log(log, bestWrite("cache write (final examples, 8 shards)", full, ro,
                    dir, th, c.docs())));
            for (int th : threadCounts) out.add(log(log,
                    bestWrite("cache write (tokenized docs before span corruption)", split, ro, dir, th, c.docs())));
            for (int th : threadCounts)
                out.add(log(log, best("cache read (final examples) + pack", full, ro.withCacheDir(dir), th, c)));
            for (int th : threadCounts)
                out.add(log(log, best("cache read (tokenized docs) + span corruption + pack", split,
                        ro.withCacheDir(dir), th, c)));
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
        return out;
    }

    private static Figure log(PrintWriter log, Figure f) {
        if (log != null) {
            log.printf(Locale.ROOT, "%-55s threads=%-2d examples=%-8d rows=%-8d %8.2f s  %10.0f examples/s%n",
                    f.what(), f.threads(), f.examples(), f.rows(), f.seconds(), f.examplesPerSecond());
            log.flush();
        }
        return f;
    }

    /** A markdown table of the figures. */
    public static String markdown(List<Figure> figs) {
        StringBuilder sb =
                new StringBuilder("| what | threads | examples | packed rows | seconds | examples/s " +
                "|\n|---|---|---|---|---|---|\n");
        for (Figure f : figs)
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.0f |%n", f.what(),
                    f.threads(), f.examples(), f.rows(), f.seconds(), f.examplesPerSecond()));
        return sb.toString();
    }
}
