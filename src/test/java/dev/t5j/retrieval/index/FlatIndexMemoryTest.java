package dev.t5j.retrieval.index;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Every search frees its native temporaries (PointerScope per block): resident memory stays flat. */
class FlatIndexMemoryTest {
    @Test
    void nativeMemoryStaysFlatOverManySearches() {
        int n = 10000, dim = 64;
        float[][] q = Vectors.gaussian(16, dim, 2);
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(n), Vectors.gaussian(n, dim, 1), IndexDtype.FP16, 2, "fp")) {
            // a batch search allocates ~0.6 MB of scores and ~1.3 MB of widened fp16 rows, a single query (fp16 gemv
            // path)
            // ~30 KB of scores per shard: 200 leaked rounds would be > 350 MB
            float[][] one = {q[0]};
            for (int i = 0; i < 20; i++) {
                idx.search(q, 10);
                idx.search(one, 10);
            }
            System.gc();
            long before = Pointer.physicalBytes();
            for (int i = 0; i < 200; i++) {
                idx.search(q, 10);
                idx.search(one, 10);
            }
            System.gc();
            long grown = Pointer.physicalBytes() - before;
            assertTrue(grown < 150L << 20, "resident memory grew by " + (grown >> 20) + " MB over 200 rounds");
        }
    }
}
