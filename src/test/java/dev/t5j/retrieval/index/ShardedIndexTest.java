package dev.t5j.retrieval.index;

import dev.t5j.atlas.AtlasRetrieval;
import dev.t5j.common.UserError;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.Embedder;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.TestModels;
import dev.t5j.run.ThreadReplicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A passage index sharded over 2 and 3 ranks (threads standing in for processes, {@link ThreadReplicas}) gives what
 * one process gives: the same hits, scores bit for bit, ties broken the same way; a sharded refresh embeds the same
 * vectors; a sharded save loads back with any world size.
 */
class ShardedIndexTest {
    @TempDir
    Path tmp;

    /** Embeds a passage as the vector given for its text (tests set the rows exactly). */
    record Lookup(Map<String, float[]> byText, int dim) implements Embedder {
        static Lookup of(List<Passage> ps, float[][] v) {
            Map<String, float[]> m = new HashMap<>();
            for (int i = 0; i < ps.size(); i++) m.put(ps.get(i).retrieverText(), v[i]);
            return new Lookup(m, v[0].length);
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) out[i] = byText.get(texts.get(i)).clone();
            return out;
        }

        @Override
        public String fingerprint() {
            return "lookup";
        }
    }

    /** Rank r's contiguous slice of the queries (a rank may get none). */
    static float[][] slice(float[][] q, int rank, int world) {
        return java.util.Arrays.copyOfRange(q, q.length * rank / world, q.length * (rank + 1) / world);
    }

    private void searchMatchesOneProcess(float[][] v, IndexDtype dtype, int world, float[][] q, int k,
            boolean shared) throws Exception {
        List<Passage> ps = Vectors.passages(v.length);
        List<List<Hit>> expected;
        try (FlatIndex one = FlatIndex.of(ps, v, dtype, 6, "lookup")) {
            expected = one.search(q, k);
        }
        IndexOptions o = new IndexOptions(6, dtype, 50);
        List<List<List<Hit>>> got = ThreadReplicas.run(world, r -> {
            try (ShardedIndex idx = ShardedIndex.build(AtlasRetrieval.indexGroup(r), ps, Passage::retrieverText,
                    Lookup.of(ps, v), o, null)) {
                assertEquals(6, idx.globalShards());
                assertTrue(idx.local().heldRows() < v.length, "a rank holds only its shards");
                idx.setSharedQueries(shared);
                return idx.search(shared ? q : slice(q, r.rank(), world), k);
            }
        });
        List<List<Hit>> merged = new ArrayList<>();
        for (List<List<Hit>> g : got) merged.addAll(g);
        assertEquals(shared ? world * q.length : q.length, merged.size());
        for (int i = 0; i < merged.size(); i++) assertEquals(expected.get(i % q.length), merged.get(i), "query " + i);
    }

    @Test
    void twoAndThreeRanksFindWhatOneProcessFinds() throws Exception {
        float[][] v = Vectors.gaussian(1003, 24, 5);
        float[][] q = Vectors.gaussian(11, 24, 6);
        for (int world : new int[] {2, 3}) {
            searchMatchesOneProcess(v, IndexDtype.FP32, world, q, 10, false);
            searchMatchesOneProcess(v, IndexDtype.FP16, world, q, 10, false); // 11 queries: the widened path
            searchMatchesOneProcess(v, IndexDtype.FP16, world, java.util.Arrays.copyOf(q, 5), 7, false); // gemv
            searchMatchesOneProcess(v, IndexDtype.FP32, world, q, 10, true);
        }
    }

    @Test
    void tiesAreBrokenAsInOneProcessAndSmallShardsPad() throws Exception {
        float[][] v = Vectors.smallIntegers(40, 4, 7); // many exact ties
        float[][] q = Vectors.smallIntegers(4, 4, 8);
        searchMatchesOneProcess(v, IndexDtype.FP32, 3, q, 30, false); // k beyond one rank's rows: padded candidates
        searchMatchesOneProcess(v, IndexDtype.FP32, 2, java.util.Arrays.copyOf(q, 1), 40, false); // ranks w/o queries
    }

    @Test
    void globalShardsAreAMultipleOfTheWorld() {
        assertEquals(2, ShardedIndex.globalShards(1, 2));
        assertEquals(6, ShardedIndex.globalShards(5, 3));
        assertEquals(4, ShardedIndex.globalShards(4, 2));
        assertEquals(3, ShardedIndex.globalShards(1, 1 + 2));
    }

    @Test
    void shardedRefreshEmbedsWhatOneProcessEmbeds() throws Exception {
        List<Passage> ps = IndexBuilderTest.corpus();
        BertConfig bc = TestModels.small(TestModels.bertVocab().vocabSize(), "gelu");
        IndexOptions o = new IndexOptions(6, IndexDtype.FP32, 4);
        float[][] expected = new float[ps.size()][];
        float[][] q;
        try (Retriever one = Retriever.tied(Contriever.init(bc, TestModels.bertVocab(), 3), 32);
             FlatIndex full = IndexBuilder.build(ps, one.passageEmbedder(4).withProgress(false), o, null)) {
            for (int i = 0; i < ps.size(); i++) expected[i] = full.row(i);
            q = one.queryEmbedder(4).withProgress(false).embed(List.of("volcano magma", "violin bow", "bread"));
        }
        for (int world : new int[] {2, 3}) {
            // each rank has its own replica of the retriever, as each process would (initialised one after the
            // other: initialisation draws from libtorch's global generator)
            List<Retriever> replicas = new ArrayList<>();
            for (int r = 0; r < world; r++) replicas.add(Retriever.tied(Contriever.init(bc, TestModels.bertVocab(), 3),
                    32));
            List<float[][]> rows = ThreadReplicas.run(world, r -> {
                try (Retriever mine = replicas.get(r.rank());
                     ShardedIndex idx = ShardedIndex.build(AtlasRetrieval.indexGroup(r), ps, Passage::retrieverText,
                             mine.passageEmbedder(4).withProgress(false), o, null)) {
                    FlatIndex local = idx.local();
                    float[][] held = new float[ps.size()][];
                    for (int i = local.firstRow(); i < local.firstRow() + local.heldRows(); i++) held[i] = local.row(i);
                    return held;
                }
            });
            for (int i = 0; i < ps.size(); i++) {
                int holders = 0;
                for (float[][] h : rows) {
                    if (h[i] == null) continue;
                    holders++;
                    assertArrayEquals(expected[i], h[i], "row " + i + " over " + world + " ranks");
                }
                assertEquals(1, holders, "row " + i + " is held by exactly one rank");
            }
        }
        assertEquals(3, q.length);
    }

    private Path savedByTwoRanks(float[][] v, List<Passage> ps) throws Exception {
        Path dir = tmp.resolve("idx");
        ThreadReplicas.run(2, r -> {
            try (ShardedIndex idx = ShardedIndex.build(AtlasRetrieval.indexGroup(r), ps, Passage::retrieverText,
                    Lookup.of(ps, v), new IndexOptions(3, IndexDtype.FP16, 64), null)) {
                idx.save(dir);
                assertEquals(2, ((Number) idx.manifest().params().get(ShardedIndex.WORLD_SIZE)).intValue());
                return null;
            }
        });
        return dir;
    }

    @Test
    void savedPerShardAndLoadedWithAnyWorldSize() throws Exception {
        float[][] v = Vectors.gaussian(301, 16, 9);
        float[][] q = Vectors.gaussian(12, 16, 10);
        List<Passage> ps = Vectors.passages(v.length);
        Path dir = savedByTwoRanks(v, ps);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("embeddings.00000.bin", "embeddings.00001.bin", "embeddings.00002.bin",
                            "embeddings.00003.bin", "manifest.json", "passages.jsonl"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "3 shards rounded up to 4 for 2 ranks");
        }
        assertFalse(Files.exists(tmp.resolve(".idx.sharded-partial")), "the staging directory is gone");
        List<List<Hit>> expected;
        try (FlatIndex one = FlatIndex.of(ps, v, IndexDtype.FP16, 4, "lookup")) {
            expected = one.search(q, 9);
        }
        try (FlatIndex loaded = FlatIndex.load(dir, IndexLoadOptions.expecting("lookup").withShards(4))) {
            assertEquals(expected, loaded.search(q, 9), "one process loads what two ranks saved");
        }
        // same world (each rank reads only its own files), a larger one (re-split, 3 ranks x 2 shards), a smaller one
        for (int[] ws : new int[][] {{2, 0}, {3, 6}, {2, 4}}) {
            List<List<List<Hit>>> got = ThreadReplicas.run(ws[0], r -> {
                try (ShardedIndex idx = ShardedIndex.load(AtlasRetrieval.indexGroup(r), dir,
                        IndexLoadOptions.expecting("lookup").withShards(ws[1]))) {
                    idx.setSharedQueries(true);
                    return idx.search(q, 9);
                }
            });
            for (List<List<Hit>> g : got) {
                for (int i = 0; i < q.length; i++) {
                    assertArrayEquals(FlatIndexTest.rows(expected.get(i)), FlatIndexTest.rows(g.get(i)),
                            "world " + ws[0] + " query " + i);
                }
            }
        }
    }

    @Test
    void aCorruptedShardFileIsFoundByTheRankThatReadsIt() throws Exception {
        float[][] v = Vectors.gaussian(100, 8, 11);
        Path dir = savedByTwoRanks(v, Vectors.passages(v.length));
        Path f = dir.resolve("embeddings.00003.bin");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 1;
        Files.write(f, b);
        Exception e = assertThrows(UserError.class, () -> ThreadReplicas.run(2, r ->
                ShardedIndex.load(AtlasRetrieval.indexGroup(r), dir, IndexLoadOptions.defaults())));
        assertTrue(e.getMessage().contains("embeddings.00003.bin: corrupted"), e.getMessage());
    }
}
