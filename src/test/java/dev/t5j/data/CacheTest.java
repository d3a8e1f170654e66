package dev.t5j.data;

import dev.t5j.common.AtomicFiles;
import dev.t5j.data.objectives.SpanCorruptionTest;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CacheTest {
    @TempDir
    Path tmp;

    static List<Example> read(ExampleIterator it) {
        List<Example> l = new ArrayList<>();
        try (it) {
            it.forEachRemaining(l::add);
        }
        return l;
    }

    static TaskCache.Options opts(int shards, int threads, boolean overwrite) {
        return new TaskCache.Options(shards, threads, overwrite, false);
    }

    @Test
    void roundTripKeepsEveryFieldAndTheOrder() throws IOException {
        Task t = PipelineTest.qaTask("qa:v1", 57);
        ReadOptions o = ReadOptions.split("train").withSeed(3);
        TaskCache.Result r = TaskCache.write(t, o, tmp, opts(8, 2, false));
        assertEquals(57, r.examples());
        Path dir = tmp.resolve("qa").resolve("v1").resolve("train");
        assertEquals(dir, r.dir());
        for (String f : List.of("info.json", "stats.json",
                "COMPLETED")) assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        try (var s = Files.list(dir)) {
            assertEquals(8, s.filter(p -> p.toString().endsWith(".t5jshard")).count());
        }
        List<Example> direct = read(t.open(o));
        List<Example> cached = read(t.open(o.withCacheDir(tmp)));
        assertEquals(direct.size(), cached.size());
        for (int i = 0; i < direct.size(); i++) assertEquals(direct.get(i), cached.get(i), "example " + i);
        assertTrue(cached.get(0).origin().file().toString().endsWith(".t5jshard"), "cached examples come from shards");

        TaskCache.Reader reader = TaskCache.open(tmp, "qa:v1", "train");
        assertEquals(57, reader.stats().get("examples").asLong());
        assertEquals(57, reader.info().get("num_examples").asLong());
        assertTrue(reader.stats().get("length_histograms").has("inputs"));
        assertTrue(reader.verify().isEmpty());
    }

    @Test
    void allFieldTypesSurviveAShard() throws IOException {
        Example e = Example.of("ids", new int[] {0, 1, 65535}, "big", new int[] {70000, -5}, "s", "héllo", "list",
                List.of("a", "", "ç"),
                "n", 42L, "d", 2.5, "b", true);
        Path f = tmp.resolve("x.t5jshard");
        AtomicFiles.write(f, os -> {
            ShardFile.Writer w = new ShardFile.Writer(os);
            w.write(e);
            w.write(Example.of("s", "second"));
            w.finish();
        });
        ShardFile.Reader r = new ShardFile.Reader(f);
        assertEquals(2, r.numExamples());
        assertEquals(e, r.read(0));
        assertEquals("second", r.read(1).string("s"));
        assertTrue(r.verify());
    }

    @Test
    void postCachePreprocessorsRunAtReadTimeAndSkipIsExact() throws IOException {
        Task t = SpanCorruptionTest.pretrainTask(SpanCorruptionTest.randomDocs(40, 8));
        ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 128, "targets",
                32)).withSeed(1);
        TaskCache.write(t, o, tmp, opts(8, 2, false));
        TaskCache.Reader r = TaskCache.open(tmp, t.name(), "train");
        assertEquals(40, r.numExamples(), "the cache holds tokenized documents (before the placeholder)");
        assertFalse(r.get(0).has("inputs") && r.get(0).get("inputs") instanceof int[] a && a.length > 0);
        List<Example> fromCache = read(t.open(o.withCacheDir(tmp).withEpochs(2)));
        for (Example e : fromCache) assertEquals(1, e.tokens("inputs")[e.tokens("inputs").length - 1]);
        assertEquals(fromCache.subList(7, fromCache.size()),
                read(t.open(o.withCacheDir(tmp).withEpochs(2).withSkip(7))));
    }

    @Test
    void fastSkipFromACompleteCacheEqualsSlowSkip() throws IOException {
        Task t = PipelineTest.qaTask("qa", 23);
        ReadOptions o = ReadOptions.split("train").withEpochs(3).withShard(new Shard(1, 3));
        TaskCache.write(t, o.withShard(Shard.ALL), tmp, opts(8, 1, false));
        List<Example> all = read(t.open(o.withCacheDir(tmp)));
        assertEquals(24, all.size()); // 8 per epoch for shard 1 of 3
        for (int k : new int[] {1, 8, 9, 20, 24}) assertEquals(all.subList(k, all.size()),
                read(t.open(o.withCacheDir(tmp).withSkip(k))));
    }

    @Test
    void incompleteCacheIsRefusedClearly() throws IOException {
        Task t = PipelineTest.qaTask("qa", 10);
        TaskCache.write(t, ReadOptions.split("train"), tmp, opts(8, 1, false));
        Files.delete(tmp.resolve("qa/train/COMPLETED"));
        var e = assertThrows(UserError.class, () -> read(t.open(ReadOptions.split("train").withCacheDir(tmp))));
        assertTrue(e.getMessage().contains("incomplete cache") && e.getMessage().contains("COMPLETED")
                && e.getMessage().contains("--overwrite"), e.getMessage());
    }

    @Test
    void existingCacheNeedsOverwrite() throws IOException {
        Task t = PipelineTest.qaTask("qa", 10);
        TaskCache.write(t, ReadOptions.split("train"), tmp, opts(8, 1, false));
        var e = assertThrows(UserError.class, () -> TaskCache.write(t, ReadOptions.split("train"), tmp, opts(8, 1,
                false)));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        TaskCache.write(t, ReadOptions.split("train"), tmp, opts(4, 1, true));
        assertEquals(4, TaskCache.open(tmp, "qa", "train").info().get("num_shards").asInt());
    }

    @Test
    void corruptionIsDetected() throws IOException {
        Task t = PipelineTest.qaTask("qa", 10);
        TaskCache.write(t, ReadOptions.split("train"), tmp, opts(2, 1, false));
        Path shard = tmp.resolve("qa/train").resolve(TaskCache.shardName("train", 0, 2));
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.seek(40);
            int b = f.read();
            f.seek(40);
            f.write(b ^ 0xFF);
        }
        assertEquals(List.of(shard), TaskCache.open(tmp, "qa", "train").verify());
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(f.length() - 3);
        }
        var e = assertThrows(UserError.class, () -> TaskCache.open(tmp, "qa", "train"));
        assertTrue(e.getMessage().contains(shard.toString()), e.getMessage());
    }

    @Test
    void threadCountDoesNotChangeTheCache() throws IOException {
        Task t = SpanCorruptionTest.pretrainTask(SpanCorruptionTest.randomDocs(30, 9));
        ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 64, "targets", 16));
        TaskCache.write(t, o, tmp.resolve("one"), opts(8, 1, false));
        TaskCache.write(t, o, tmp.resolve("two"), opts(8, 2, false));
        for (int s = 0; s < 8; s++) {
            String name = TaskCache.shardName("train", s, 8);
            assertArrayEquals(Files.readAllBytes(tmp.resolve("one/" + t.name() + "/train/" + name)),
                    Files.readAllBytes(tmp.resolve("two/" + t.name() + "/train/" + name)));
        }
    }
}
