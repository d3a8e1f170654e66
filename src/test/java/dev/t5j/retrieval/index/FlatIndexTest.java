package dev.t5j.retrieval.index;

import dev.t5j.engine.Tensors;
import dev.t5j.model.io.HalfFloats;
import dev.t5j.retrieval.Passage;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FlatIndexTest {
    static int[] rows(List<Hit> hits) {
        return hits.stream().mapToInt(Hit::index).toArray();
    }

    static void assertSameAsBruteForce(List<List<Hit>> got, BruteForce.Result want, float tol) {
        assertEquals(want.rows().length, got.size());
        for (int q = 0; q < got.size(); q++) {
            assertArrayEquals(want.rows()[q], rows(got.get(q)), "query " + q);
            for (int i = 0; i < got.get(q).size(); i++) {
                Hit h = got.get(q).get(i);
                assertEquals(want.scores()[q][i], h.score(), tol, "query " + q + " hit " + i);
                assertEquals(i + 1, h.rank());
                assertEquals("p" + h.index(), h.passage().id());
            }
        }
    }

    @Test
    void fp32SearchEqualsBruteForce() {
        int n = 2000, dim = 48;
        float[][] v = Vectors.gaussian(n, dim, 1);
        float[][] q = Vectors.gaussian(9, dim, 2);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP32, 1, "fp")) {
            assertSameAsBruteForce(idx.search(q, 10), BruteForce.search(Vectors.flatten(v), n, dim, q, 10), 1e-4f);
            assertSameAsBruteForce(idx.search(new float[][] {q[3]}, 25), BruteForce.search(Vectors.flatten(v), n, dim,
                    new float[][] {q[3]}, 25), 1e-4f);
        }
    }

    @Test
    void fp16StoresRoundedRowsAndScoresInFp32() {
        int n = 1500, dim = 40;
        float[][] v = Vectors.gaussian(n, dim, 3);
        float[][] rounded = new float[n][dim];
        for (int i = 0; i < n; i++) for (int j = 0; j < dim; j++) rounded[i][j] =
                HalfFloats.f16ToFloat(HalfFloats.floatToF16(v[i][j]));
        float[][] q = Vectors.gaussian(6, dim, 4);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP16, 2, "fp")) {
            assertArrayEquals(rounded[77], idx.row(77));
            // exact against the fp16-rounded vectors...
            assertSameAsBruteForce(idx.search(q, 10), BruteForce.search(Vectors.flatten(rounded), n, dim, q, 10),
                    1e-4f);
            // ...and within fp16 rounding of the fp32 scores
            BruteForce.Result full = BruteForce.search(Vectors.flatten(v), n, dim, q, 1);
            List<List<Hit>> got = idx.search(q, 1);
            for (int i = 0; i < q.length; i++) assertEquals(full.scores()[i][0], got.get(i).get(0).score(), 0.02f);
        }
    }

    @Test
    void fp16SingleQueriesRescoreExactly() {
        // batches of <= 8 on fp16 take the fp16-gemv + exact re-scoring path: same hits as the widened batch path
        int n = 5000, dim = 96;
        float[][] v = Vectors.clustered(n, dim, 20, 0.2f, 21); // clustered: many close scores near the k-th
        float[][] rounded = new float[n][dim];
        for (int i = 0; i < n; i++) for (int j = 0; j < dim; j++) rounded[i][j] =
                HalfFloats.f16ToFloat(HalfFloats.floatToF16(v[i][j]));
        float[][] q = Vectors.clustered(12, dim, 20, 0.2f, 22);
        BruteForce.Result want = BruteForce.search(Vectors.flatten(rounded), n, dim, q, 20);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP16, 3, "fp")) {
            List<List<Hit>> batched = idx.search(q, 20); // 12 > 8: widened path
            assertSameAsBruteForce(batched, want, 1e-3f);
            for (int i = 0; i < q.length; i++) {
                List<Hit> one = idx.search(new float[][] {q[i]}, 20).get(0);
                assertArrayEquals(want.rows()[i], rows(one), "query " + i);
                for (int j = 0; j < 20; j++) assertEquals(want.scores()[i][j], one.get(j).score(), 1e-3f);
            }
        }
    }

    @Test
    void tiesAreOrderedByRowWhateverTheSharding() {
        int n = 600, dim = 3;
        float[][] v = Vectors.smallIntegers(n, dim, 5); // 125 distinct vectors over 600 rows: many exact ties
        float[][] q = Vectors.smallIntegers(4, dim, 6);
        for (IndexDtype dt : IndexDtype.values()) {
            try (FlatIndex one = FlatIndex.of(Vectors.passages(n), v, dt, 1,
                    "fp"); FlatIndex seven = FlatIndex.of(Vectors.passages(n), v, dt, 7, "fp")) {
                List<List<Hit>> a = one.search(q, 30);
                assertEquals(a, seven.search(q, 30), "shard merge equals the unsharded search");
                for (int qi = 0; qi < q.length; qi++) {
                    // expected: full sort by score desc, then row asc
                    final float[] qq = q[qi];
                    List<Integer> order = new ArrayList<>();
                    for (int r = 0; r < n; r++) order.add(r);
                    order.sort(Comparator.<Integer>comparingDouble(r -> -dot(qq, v[r])).thenComparing(r -> r));
                    assertArrayEquals(order.subList(0, 30).stream().mapToInt(Integer::intValue).toArray(),
                            rows(a.get(qi)), dt + " query " + qi);
                }
            }
        }
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void shardedSearchEqualsUnshardedOnRandomVectors() {
        int n = 3001, dim = 32;
        float[][] v = Vectors.gaussian(n, dim, 7);
        float[][] q = Vectors.gaussian(5, dim, 8);
        try (FlatIndex one = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP32, 1,
                "fp"); FlatIndex five = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP32, 5, "fp")) {
            assertArrayEquals(new int[] {600, 600, 600, 600, 601}, five.shardSizes());
            List<List<Hit>> a = one.search(q, 10), b = five.search(q, 10);
            for (int i = 0; i < q.length; i++) {
                assertArrayEquals(rows(a.get(i)), rows(b.get(i)));
                for (int j = 0; j < 10; j++) assertEquals(a.get(i).get(j).score(), b.get(i).get(j).score(), 1e-5f);
            }
        }
    }

    @Test
    void kBeyondSizeZeroAndMoreShardsThanRows() {
        float[][] v = Vectors.gaussian(4, 8, 9);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(4), v, IndexDtype.FP32, 10, "fp")) {
            assertEquals(4, idx.shardCount(), "never more shards than rows");
            assertEquals(4, idx.search(new float[][] {v[0]}, 10).get(0).size());
            assertTrue(idx.search(new float[][] {v[0]}, 0).get(0).isEmpty());
            assertTrue(idx.search(new float[0][], 3).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> idx.search(new float[][] {new float[7]}, 3));
        }
    }

    @Test
    void tensorQueriesGiveTheSameHits() {
        float[][] v = Vectors.gaussian(500, 16, 10);
        float[][] q = Vectors.gaussian(3, 16, 11);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(500), v, IndexDtype.FP32, 2,
                "fp"); PointerScope s = new PointerScope()) {
            assertEquals(idx.search(q, 5), idx.search(Tensors.floats(Vectors.flatten(q), 3, 16), 5));
        }
    }

    @Test
    void filteringByIdDropsTheExamplesPassageAndStaysExact() {
        int n = 800, dim = 16;
        float[][] v = Vectors.gaussian(n, dim, 12);
        float[][] q = Vectors.gaussian(2, dim, 13);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(n), v, IndexDtype.FP32, 3, "fp")) {
            List<List<Hit>> full = idx.search(q, 20);
            String drop = full.get(0).get(4).passage().id();
            List<List<Hit>> ex = Filtering.searchFilteredById(idx, q, Arrays.asList(drop, null), 10, 2);
            List<Hit> want = new ArrayList<>(full.get(0));
            want.removeIf(h -> h.passage().id().equals(drop));
            assertArrayEquals(Arrays.copyOf(rows(want), 10), rows(ex.get(0)));
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), ex.get(0).stream().map(Hit::rank).toList());
            assertArrayEquals(Arrays.copyOf(rows(full.get(1)), 10), rows(ex.get(1)), "no id: the plain top 10");
        }
    }

    @Test
    void passagesComeBackWithTheirHits() {
        List<Passage> ps = List.of(Passage.of("a", "A", "alpha"), Passage.of("b", "B", "beta"));
        try (FlatIndex idx = FlatIndex.of(ps, new float[][] {{1, 0}, {0, 1}}, IndexDtype.FP32, 1, "fp")) {
            Hit h = idx.search(new float[][] {{0.1f, 2f}}, 1).get(0).get(0);
            assertEquals(new Hit(ps.get(1), 1, 2f, 1), h);
        }
    }
}
