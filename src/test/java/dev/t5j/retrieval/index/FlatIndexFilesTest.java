package dev.t5j.retrieval.index;

import dev.t5j.retrieval.Passages;
import dev.t5j.common.UserError;
import dev.t5j.retrieval.Passage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FlatIndexFilesTest {
    @TempDir
    Path tmp;

    static List<Passage> passagesWithExtras(int n) {
        List<Passage> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) ps.add(new Passage("id-" + i, i % 2 == 0 ? "T" + i + ": sec" : "", "text " + i,
                i % 3 == 0 ? Map.of("url", "u" + i) : Map.of()));
        return ps;
    }

    private void roundTrip(int saved, int loaded, IndexDtype dtype) throws IOException {
        int n = 1003, dim = 24;
        float[][] v = Vectors.gaussian(n, dim, saved * 10L + loaded);
        float[][] q = Vectors.gaussian(4, dim, 99);
        List<Passage> ps = passagesWithExtras(n);
        Path dir = tmp.resolve("idx-" + saved + "-" + loaded + "-" + dtype);
        try (FlatIndex idx = FlatIndex.of(ps, v, dtype, saved, "enc-1")) {
            idx.save(dir);
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(saved, s.filter(p -> p.getFileName().toString().startsWith("embeddings.")).count());
            }
            try (FlatIndex back = FlatIndex.load(dir, IndexLoadOptions.expecting("enc-1").withShards(loaded))) {
                assertEquals(loaded, back.shardCount());
                assertEquals(ps, back.passages());
                assertEquals(dtype, back.dtype());
                for (int r : new int[] {0, 1, 500, n - 1}) assertArrayEquals(idx.row(r), back.row(r), "row " + r);
                List<List<Hit>> a = idx.search(q, 10), b = back.search(q, 10);
                for (int i = 0; i < q.length; i++) {
                    assertArrayEquals(FlatIndexTest.rows(a.get(i)), FlatIndexTest.rows(b.get(i)));
                    assertEquals(a.get(i).get(0).passage(), b.get(i).get(0).passage());
                }
                IndexManifest m = back.manifest();
                assertEquals(n, m.count());
                assertEquals(dim, m.dim());
                assertEquals("enc-1", m.encoderFingerprint());
                assertEquals(Passages.checksum(ps), m.corpusChecksum());
            }
        }
    }

    @Test
    void threeShardsLoadAsFive() throws IOException {
        roundTrip(3, 5, IndexDtype.FP16);
    }

    @Test
    void fourShardsLoadAsOne() throws IOException {
        roundTrip(4, 1, IndexDtype.FP32);
    }

    private Path saved(String name) throws IOException {
        Path dir = tmp.resolve(name);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(300), Vectors.gaussian(300, 8, 1), IndexDtype.FP32, 2,
                "enc-A")) {
            idx.save(dir);
        }
        return dir;
    }

    @Test
    void aFailedSaveKeepsTheOldIndexAndLeavesNoTemporaries() throws IOException {
        Path dir = saved("idx");
        String before = Files.readString(dir.resolve(IndexManifest.FILE));
        // a value Jackson cannot write makes the save fail after some files are already written
        List<Passage> bad = new ArrayList<>(Vectors.passages(10));
        bad.set(9, new Passage("bad", "", "x", Map.of("oops", new Object())));
        try (FlatIndex idx = FlatIndex.of(bad, Vectors.gaussian(10, 8, 2), IndexDtype.FP32, 1, "enc-B")) {
            assertThrows(RuntimeException.class, () -> idx.save(dir));
        }
        assertEquals(before, Files.readString(dir.resolve(IndexManifest.FILE)));
        try (FlatIndex back = FlatIndex.load(dir, IndexLoadOptions.defaults())) {
            assertEquals(300, back.size());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(dir), s.toList(), "no temporary directory left behind");
        }
    }

    @Test
    void saveReplacesAnExistingIndex() throws IOException {
        Path dir = saved("idx");
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(5), Vectors.gaussian(5, 4, 3), IndexDtype.FP16, 1,
                "enc-C")) {
            idx.save(dir);
        }
        try (FlatIndex back = FlatIndex.load(dir, IndexLoadOptions.defaults())) {
            assertEquals(5, back.size());
            assertEquals("enc-C", back.encoderFingerprint());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(3, s.count(), "manifest, passages, one shard: nothing left from the old index");
        }
    }

    @Test
    void staleFingerprintIsRefusedUnlessForced() throws IOException {
        Path dir = saved("idx");
        UserError e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.expecting("enc-NEW")));
        assertTrue(e.getMessage().contains("field 'encoder_fingerprint'") && e.getMessage().contains("enc-A")
                && e.getMessage().contains("enc-NEW")
                && e.getMessage().contains("--force"), e.getMessage());
        try (FlatIndex idx = FlatIndex.load(dir, IndexLoadOptions.expecting("enc-NEW").withForce(true))) {
            assertEquals("enc-A", idx.encoderFingerprint());
        }
        try (PassageIndex idx = PassageIndex.load(dir, IndexLoadOptions.expecting("enc-A"))) {
            assertInstanceOf(FlatIndex.class, idx);
        }
    }

    @Test
    void corruptedShardIsRefused() throws IOException {
        Path dir = saved("idx");
        Path shard = dir.resolve("embeddings.00001.bin");
        byte[] b = Files.readAllBytes(shard);
        b[FlatIndexFiles.HEADER_BYTES + 100] ^= 0x10;
        Files.write(shard, b);
        UserError e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(shard + ": corrupted (CRC-32C"), e.getMessage());
        // without verification the flipped bit goes unnoticed: the check is what catches it
        FlatIndex.load(dir, new IndexLoadOptions(0, null, false, false)).close();
    }

    @Test
    void truncatedShardIsRefused() throws IOException {
        Path dir = saved("idx");
        Path shard = dir.resolve("embeddings.00000.bin");
        long size = Files.size(shard);
        try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            ch.truncate(size - 4);
        }
        UserError e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("expected " + size), e.getMessage());
        Files.delete(shard);
        e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertTrue(e.getMessage().contains("'embeddings.00000.bin' is missing"), e.getMessage());
    }

    @Test
    void editedPassagesAreRefused() throws IOException {
        Path dir = saved("idx");
        Path p = dir.resolve(IndexFiles.PASSAGES);
        Files.writeString(p, Files.readString(p).replace("text 7", "text 8"));
        UserError e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(p + ": corrupted (SHA-256"), e.getMessage());
    }

    @Test
    void manifestVersionTypeAndShapeAreChecked() throws IOException {
        Path dir = saved("idx");
        Path m = dir.resolve(IndexManifest.FILE);
        String json = Files.readString(m);
        Files.writeString(m, json.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        UserError e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertEquals(m
                + ": field 'format_version': unknown index format version 2 (this t5j reads version 1); rebuild the " +
                "index with this t5j or use a newer t5j",
                e.getMessage());
        Files.writeString(m, json.replace("\"count\" : 300", "\"count\" : 301"));
        e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertEquals(m + ": field 'shards': cover 300 rows but count is 301", e.getMessage());
        Files.writeString(m, json.replace("\"dtype\" : \"fp32\"", "\"dtype\" : \"fp16\""));
        e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertTrue(e.getMessage().contains("dtype code 0 but the manifest says fp16"), e.getMessage());
        Files.delete(m);
        e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
        assertEquals(dir + ": not a t5j passage index (no manifest.json)", e.getMessage());
    }
}
