package dev.t5j.data;

import java.util.Arrays;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.DirectoryLock;
import dev.t5j.common.Json;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Offline cache of a task split (seqio's cache_tasks_main): {@code DIR/<task>/<split>/} holds shard files
 * ({@link ShardFile}), {@code info.json}, {@code stats.json} and a {@code COMPLETED} marker written last. The whole
 * split directory is built under a temporary name and renamed into place; readers refuse a directory without
 * {@code COMPLETED}.
 */
public final class TaskCache {
    public static final String COMPLETED = "COMPLETED";
    public static final String FORMAT = "t5j-cache";
    public static final int VERSION = 1;

    private TaskCache() {}

    /** Task names may contain ':' (seqio); each part becomes a directory. */
    public static Path dir(Path cacheDir, String task, String split) {
        Path p = cacheDir;
        for (String part : task.split(":")) p = p.resolve(part);
        return p.resolve(split);
    }

    /**
     * True if a cache directory exists for the split (complete or not: an incomplete one must be refused, not ignored).
     */
    public static boolean isCached(Path cacheDir, String task, String split) {
        return Files.isDirectory(dir(cacheDir, task, split));
    }

    public record Options(int numShards, int threads, boolean overwrite, boolean progress) {}

    public record Result(Path dir, long examples, long bytes, double seconds, CacheStats stats, long skippedBadLines) {}

    /** Writes the cache of one task split; {@code opts} supplies seed and bad-line policy. */
    public static Result write(Task task, ReadOptions read, Path cacheDir, Options o) throws IOException {
        Path target = dir(cacheDir, task.name(), read.split());
        // one writer per cache; holding the lock also removes temporary directories of writers that died
        try (DirectoryLock lock = DirectoryLock.forOutput(target, "data cache")) {
            return writeLocked(task, read, target, o);
        }
    }

    private static Result writeLocked(Task task, ReadOptions read, Path target, Options o) throws IOException {
        if (Files.exists(target.resolve(COMPLETED)) && !o.overwrite())
            throw new UserError(target + ": a complete cache already exists (pass --overwrite to rebuild it)");
        if (o.numShards() < 1) throw new UserError("--shards must be >= 1");
        task.source().check(read.split());
        // Fail before any work on an empty task.
        try (ExampleIterator probe = task.source().open(read.split(), Shard.ALL, read.badLines())) {
            if (!probe.hasNext()) throw new UserError("task '" + task.name() + "' split '" + read.split()
                    + "' has no examples (" + task.source().describe() + ")");
        }
        long totalSource = task.source().numExamples(read.split()).orElse(-1);
        long start = System.nanoTime();
        CacheStats stats = new CacheStats(task.outputFeatures().values().iterator().next().vocabulary().eosId(),
                task.outputFeatures().values().iterator().next().vocabulary().padId());
        List<Map<String, Object>> shardInfo = new ArrayList<>();
        Map<String, String> featureTypes = new TreeMap<>();
        AtomicLong bytes = new AtomicLong();
        try (Progress progress = new Progress("cache " + task.name() + "/" + read.split(), totalSource,
                "source examples",
                System.err, o.progress() && !Boolean.getBoolean("t5j.quiet"))) {
            AtomicFiles.writeDirectory(target, tmp -> {
                ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(o.threads(), o.numShards())), r
                        -> {
                    Thread t = new Thread(r, "t5j-cache");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<Map<String, Object>>> futures = new ArrayList<>();
                    for (int s = 0; s < o.numShards(); s++) {
                        int shard = s;
                        futures.add(pool.submit(() -> writeShard(task, read, tmp, shard, o.numShards(), stats,
                                featureTypes, progress)));
                    }
                    for (Future<Map<String, Object>> f : futures) {
                        Map<String, Object> info = get(f);
                        bytes.addAndGet((Long) info.get("bytes"));
                        shardInfo.add(info);
                    }
                } finally {
                    pool.shutdownNow();
                }
                if (stats.examples() == 0) throw new UserError("task '" + task.name() + "' split '" + read.split()
                        + "' produced no examples after preprocessing");
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("format", FORMAT);
                info.put("version", VERSION);
                info.put("task", task.name());
                info.put("split", read.split());
                info.put("seed", read.seed());
                info.put("num_shards", o.numShards());
                info.put("num_examples", stats.examples());
                info.put("preprocessors_cached", task.preprocessors().subList(0, task.cacheBoundary()).stream()
                        .map(Preprocessor::name).toList());
                info.put("preprocessors_after_cache", task.preprocessors().subList(Math.min(task.cacheBoundary() + 1,
                        task.preprocessors().size()), task.preprocessors().size())
                        .stream().map(Preprocessor::name).toList());
                info.put("features", featureTypes);
                var v = task.outputFeatures().values().iterator().next().vocabulary();
                info.put("vocabulary", Map.of("class", v.getClass().getSimpleName(), "size", v.vocabSize(), "eos",
                        v.eosId(), "pad", v.padId()));
                info.put("source", task.source().describe());
                info.put("skipped_bad_lines", read.badLines().count());
                info.put("created", Instant.now().toString());
                info.put("shards", shardInfo);
                AtomicFiles.writeString(tmp.resolve("info.json"), Json.writePretty(info) + "\n");
                AtomicFiles.writeString(tmp.resolve("stats.json"), Json.writePretty(stats.toJson()) + "\n");
                AtomicFiles.writeString(tmp.resolve(COMPLETED), Instant.now().toString() + "\n"); // last
            });
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Result(target, stats.examples(), bytes.get(), secs, stats, read.badLines().count());
    }

    private static <T> T get(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof IOException io) throw io;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }

    static String shardName(String split, int i, int n) {
        return String.format(Locale.ROOT, "%s-%05d-of-%05d.t5jshard", split, i, n);
    }

    private static Map<String, Object> writeShard(Task task, ReadOptions read, Path tmp, int i, int n, CacheStats stats,
                                                  Map<String, String> featureTypes,
                                                          Progress progress) throws IOException {
        String name = shardName(read.split(), i, n);
        Path file = tmp.resolve(name);
        CacheStats local = new CacheStats(stats.eos(), stats.pad());
        long[] crc = new long[1];
        int[] count = new int[1];
        Map<String, String> types = new TreeMap<>();
        AtomicFiles.write(file, os -> {
            ShardFile.Writer w = new ShardFile.Writer(os);
            ReadOptions ro = read.withShard(new Shard(i, n));
            try (ExampleIterator it = task.openForCache(ro, () -> progress.step(1))) {
                while (it.hasNext()) {
                    Example e = it.next();
                    w.write(e);
                    local.add(e);
                    for (var en : e.asMap().entrySet()) types.putIfAbsent(en.getKey(), typeOf(en.getValue()));
                }
            }
            crc[0] = w.finish();
            count[0] = w.count();
        });
        stats.merge(local);
        synchronized (featureTypes) {
            types.forEach(featureTypes::putIfAbsent);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("file", name);
        info.put("examples", count[0]);
        info.put("bytes", Files.size(file));
        info.put("crc32", String.format(Locale.ROOT, "%08x", crc[0]));
        return info;
    }

    static String typeOf(Object v) {
        if (v instanceof int[]) return "int[]";
        if (v instanceof List) return "string[]";
        if (v instanceof String) return "string";
        if (v instanceof Long) return "int64";
        if (v instanceof Double) return "float64";
        if (v instanceof Boolean) return "bool";
        return "?";
    }

    /** Opens a complete cache; an incomplete or foreign directory is refused with a clear message. */
    public static Reader open(Path cacheDir, String task, String split) {
        Path d = dir(cacheDir, task, split);
        if (!Files.isDirectory(d))
            throw new UserError(d + ": no cache for task '" + task + "' split '" + split
                    + "' (build it with: t5j data cache --task " + task + " --split " + split + " --out " + cacheDir
                    + ")");
        if (!Files.isRegularFile(d.resolve(COMPLETED)))
            throw new UserError(d + ": incomplete cache (no " + COMPLETED
                    + " marker): it was interrupted or is still being written; "
                    + "rebuild it with: t5j data cache --task " + task + " --split " + split + " --out " + cacheDir
                            + " --overwrite");
        return new Reader(d);
    }

    /** A complete cache split: all shards, read by global position. */
    public static final class Reader {
        private final Path dir;
        private final JsonNode info;
        private final ShardFile.Reader[] shards;
        private final long[] starts; // global position of each shard's first example
        private final long total;
        private final long[] levels; // distinct shard sizes, ascending

        Reader(Path dir) {
            this.dir = dir;
            Path infoFile = dir.resolve("info.json");
            this.info = Json.read(infoFile);
            if (!FORMAT.equals(info.path("format").asText()))
                throw UserError.at(infoFile, 0, "format", "not a t5j cache (expected \"" + FORMAT + "\")");
            if (info.path("version").asInt() != VERSION)
                throw UserError.at(infoFile, 0, "version", "cache version " + info.path("version").asInt()
                        + ", this t5j reads " + VERSION + "; rebuild the cache");
            JsonNode list = info.path("shards");
            shards = new ShardFile.Reader[list.size()];
            starts = new long[list.size() + 1];
            for (int i = 0; i < shards.length; i++) {
                JsonNode s = list.get(i);
                Path f = dir.resolve(s.path("file").asText());
                if (!Files.isRegularFile(f)) throw new UserError(f + ": cache shard listed in info.json is missing");
                shards[i] = new ShardFile.Reader(f);
                if (shards[i].numExamples() != s.path("examples").asLong())
                    throw UserError.at(infoFile, 0, "shards[" + i + "].examples", "says " + s.path("examples").asLong()
                            + " but " + f.getFileName() + " holds " + shards[i].numExamples());
                starts[i + 1] = starts[i] + shards[i].numExamples();
            }
            total = starts[shards.length];
            levels = Arrays.stream(shards).mapToLong(ShardFile.Reader::numExamples).filter(x
                    -> x > 0).distinct().sorted().toArray();
        }

        public Path dir() {
            return dir;
        }

        public JsonNode info() {
            return info;
        }

        public JsonNode stats() {
            return Json.read(dir.resolve("stats.json"));
        }

        public long numExamples() {
            return total;
        }

        /** Number of examples a worker shard reads. */
        public long numExamples(Shard s) {
            return total <= s.index() ? 0 : (total - s.index() + s.count() - 1) / s.count();
        }

        /**
         * The example at a global position. Shard {@code s} of {@code S} holds source positions s, s+S, s+2S, ... (for
         * 1:1 chains), so the global order interleaves the shards round-robin, skipping shards that have run out; for
         * 1:1 chains this is exactly the source order.
         */
        public Example get(long position) {
            long base = 0;
            long prevLevel = 0;
            for (long level : levels) {
                int active = 0;
                for (ShardFile.Reader r : shards) if (r.numExamples() > prevLevel) active++;
                long block = (level - prevLevel) * active;
                if (position < base + block) {
                    long q = position - base;
                    int k = (int) (q % active);
                    long record = prevLevel + q / active;
                    for (ShardFile.Reader r : shards) {
                        if (r.numExamples() <= prevLevel) continue;
                        if (k-- == 0) return r.read((int) record);
                    }
                }
                base += block;
                prevLevel = level;
            }
            throw new IndexOutOfBoundsException("position " + position + " of " + total);
        }

        /** Verifies every shard's CRC; returns the files that fail. */
        public List<Path> verify() {
            List<Path> bad = new ArrayList<>();
            for (ShardFile.Reader r : shards) if (!r.verify()) bad.add(r.path());
            return bad;
        }

        /**
         * Examples of worker shard {@code s} (global positions ≡ index mod count), starting after {@code skip} of them.
         */
        public ExampleIterator open(Shard s, long skip) {
            return new ExampleIterator.Lazy() {
                long pos = s.index() + skip * s.count();

                @Override
                protected Example compute() {
                    if (pos >= total) return null;
                    Example e = get(pos);
                    pos += s.count();
                    return e;
                }

                @Override
                public long skip(long k) {
                    long avail = pos >= total ? 0 : (total - pos + s.count() - 1) / s.count();
                    long n = Math.min(k, avail);
                    pos += n * s.count();
                    return n;
                }
            };
        }

        public ExampleIterator open(Shard s) {
            return open(s, 0);
        }
    }
}
