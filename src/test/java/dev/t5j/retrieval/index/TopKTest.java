package dev.t5j.retrieval.index;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TopKTest {
    @Test
    void keepsTheBestWithRowTieBreakInAnyOfferOrder() {
        TopK t = new TopK(3);
        t.offer(1f, 9);
        t.offer(2f, 5);
        t.offer(1f, 4);
        t.offer(1f, 7);
        t.offer(Float.NaN, 0);
        t.offer(-0.0f, 1);
        long[] k = t.sortedPairs();
        assertEquals(5, TopK.rowOf(k[0]));
        assertEquals(2f, TopK.scoreOf(k[0]));
        assertEquals(4, TopK.rowOf(k[1]));
        assertEquals(7, TopK.rowOf(k[2]));
        assertEquals(1f, t.threshold());
    }

    @Test
    void mergeOfPartsEqualsOneHeap() {
        Random r = new Random(1);
        TopK all = new TopK(10), a = new TopK(10), b = new TopK(10);
        for (int i = 0; i < 1000; i++) {
            float s = r.nextInt(20) - 10.5f; // many ties
            all.offer(s, i);
            (i % 3 == 0 ? a : b).offer(s, i);
        }
        TopK m = new TopK(10);
        m.merge(b);
        m.merge(a);
        assertArrayEquals(all.sortedPairs(), m.sortedPairs());
    }

    @Test
    void scoreKeysRoundTripAndSortDescending() {
        float[] xs = {-3.5f, -0f, 0f, 1e-30f, 7f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        TopK t = new TopK(xs.length);
        for (int i = 0; i < xs.length; i++) t.offer(xs[i], i);
        long[] k = t.sortedPairs();
        float prev = Float.POSITIVE_INFINITY;
        for (long key : k) {
            float s = TopK.scoreOf(key);
            assertTrue(s <= prev);
            prev = s;
        }
        assertEquals(Float.POSITIVE_INFINITY, TopK.scoreOf(k[0]));
        assertEquals(Float.NEGATIVE_INFINITY, TopK.scoreOf(k[k.length - 1]));
    }
}
