package dev.t5j.retrieval.index;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HnswIndexTest {
    @TempDir
    Path tmp;

    @Test
    void recallAt10OnClusteredDataAndSaveLoad() throws IOException {
        int n = 4000, dim = 32;
        float[][] v = Vectors.clustered(n, dim, 40, 0.3f, 1);
        float[][] q = Vectors.clustered(50, dim, 40, 0.3f, 1000); // same centres (seed + 1), fresh noise
        try (FlatIndex flat = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP32, 1, "enc");
             HnswIndex hnsw = HnswIndex.build(flat, new HnswOptions(16, 100, 100, 2, 2), null)) {
            double recall = Recall.atK(hnsw, flat, q, 10);
            assertTrue(recall >= 0.9, "recall@10 " + recall);
            // scores are inner products again (Lucene's MIP scaling undone)
            Hit top = hnsw.search(q, 1).get(0).get(0);
            assertEquals(FlatIndexTest.dot(q[0], v[top.index()]), top.score(), 1e-3f * Math.max(1,
                    Math.abs(top.score())));
            // a tiny efSearch costs recall: the knob is wired
            assertTrue(Recall.atK(hnsw.withEfSearch(1), flat, q, 10) <= recall);

            Path dir = tmp.resolve("hnsw");
            hnsw.save(dir);
            try (PassageIndex back = PassageIndex.load(dir, IndexLoadOptions.expecting("enc"))) {
                assertInstanceOf(HnswIndex.class, back);
                assertEquals(hnsw.search(q, 10), back.search(q, 10));
                assertEquals("hnsw", back.manifest().type());
                assertEquals(2, back.manifest().shards().size());
            }
            assertThrows(UserError.class, () -> PassageIndex.load(dir, IndexLoadOptions.expecting("other")));
            UserError e = assertThrows(UserError.class, () -> FlatIndex.load(dir, IndexLoadOptions.defaults()));
            assertTrue(e.getMessage().contains("expected a flat index"), e.getMessage());
        }
    }

    @Test
    void corruptedLuceneFileIsRefused() throws IOException {
        float[][] v = Vectors.gaussian(300, 8, 2);
        Path dir = tmp.resolve("h");
        try (FlatIndex flat = FlatIndex.of(Vectors.passages(300), v, IndexDtype.FP32, 1, "enc");
             HnswIndex hnsw = HnswIndex.build(flat, new HnswOptions(8, 50, 50, 1, 1), null)) {
            hnsw.save(dir);
        }
        Path part = dir.resolve("hnsw.00000");
        Path vec;
        try (var s = Files.list(part)) {
            vec = s.filter(p -> p.toString().endsWith(".vec")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(vec);
        b[b.length / 2] ^= 0x55;
        Files.write(vec, b);
        UserError e = assertThrows(UserError.class, () -> PassageIndex.load(dir, IndexLoadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(part + ": corrupted"), e.getMessage());
    }

    @Test
    void innerProductInvertsLuceneScaling() {
        for (float ip : new float[] {-5f, -0.25f, 0f, 0.5f, 12f}) {
            float lucene = ip < 0 ? 1 / (1 - ip) : ip + 1;
            assertEquals(ip, HnswIndex.innerProduct(lucene), 1e-6f);
        }
    }

    @Test
    void recallCountsOverlap() {
        var p = Vectors.passages(5);
        List<Hit> exact = List.of(new Hit(p.get(0), 0, 3, 1), new Hit(p.get(1), 1, 2, 2));
        List<Hit> approx = List.of(new Hit(p.get(1), 1, 2, 1), new Hit(p.get(4), 4, 1, 2));
        assertEquals(0.5, Recall.atK(List.of(approx), List.of(exact), 2));
        assertEquals(0.75, Recall.atK(List.of(approx, exact), List.of(exact, exact), 2));
    }
}
