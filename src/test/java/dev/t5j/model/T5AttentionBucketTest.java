package dev.t5j.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bucket tables from the reference (§1.3), written out by hand from the formula. */
class T5AttentionBucketTest {
    private static int bi(int rel) {
        return T5Attention.relativePositionBucket(rel, true, 32, 128);
    }

    private static int uni(int rel) {
        return T5Attention.relativePositionBucket(rel, false, 32, 128);
    }

    @Test
    void bidirectionalKeyBeforeQuery() {
        for (int n = 0; n < 8; n++) assertEquals(n, bi(-n));
        int[][] ranges = {{8, 11, 8}, {12, 15, 9}, {16, 22, 10}, {23, 31, 11}, {32, 45, 12}, {46, 63, 13}, {64, 90, 14},
                {91, 500, 15}};
        for (int[] r : ranges) for (int n = r[0]; n <= r[1]; n++) assertEquals(r[2], bi(-n), "rel=-" + n);
    }

    @Test
    void bidirectionalKeyAfterQuery() {
        assertEquals(17, bi(1));
        assertEquals(24, bi(8));
        assertEquals(31, bi(91));
        assertEquals(31, bi(1000));
        for (int n = 1; n < 200; n++) assertEquals(16 + bi(-n), bi(n), "rel=+" + n);
    }

    @Test
    void unidirectional() {
        for (int n = 0; n < 16; n++) assertEquals(n, uni(-n));
        int[][] ranges = {{16, 18, 16}, {19, 20, 17}, {21, 23, 18}, {24, 26, 19}, {27, 30, 20}, {31, 34, 21}, {35, 39,
                22},
                {40, 45, 23}, {46, 51, 24}, {52, 58, 25}, {59, 66, 26}, {67, 76, 27}, {77, 86, 28}, {87, 98, 29}, {99,
                        112, 30}, {113, 2000, 31}};
        for (int[] r : ranges) for (int n = r[0]; n <= r[1]; n++) assertEquals(r[2], uni(-n), "rel=-" + n);
        for (int n = 1; n < 50; n++) assertEquals(0, uni(n), "future positions map to bucket 0");
    }

    @Test
    void agreesWithIndependentDoubleFormulaOverLongRange() {
        for (int rel = -3000; rel <= 3000; rel++) {
            assertEquals(NaiveT5.bucket(rel, true, 32, 128), bi(rel), "bidirectional rel=" + rel);
            assertEquals(NaiveT5.bucket(rel, false, 32, 128), uni(rel), "unidirectional rel=" + rel);
        }
    }
}
