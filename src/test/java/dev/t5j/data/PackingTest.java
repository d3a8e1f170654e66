package dev.t5j.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PackingTest {
    private static Map<String, Integer> lengths(int in, int tg) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("inputs", in);
        m.put("targets", tg);
        return m;
    }

    private static Example ex(int[] in, int[] tg) {
        return Example.of("inputs", in, "targets", tg);
    }

    private static <T> List<T> all(Iterator<T> it) {
        List<T> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void seqioDocstringExample() {
        List<Packing.Row> rows = all(Packing.pack(List.of(
                ex(new int[] {8, 7, 1, 0}, new int[] {4, 1, 0}),
                ex(new int[] {2, 3, 4, 1}, new int[] {5, 6, 1})).iterator(), lengths(10, 10)));
        assertEquals(1, rows.size());
        Packing.Row r = rows.get(0);
        assertArrayEquals(new int[] {8, 7, 1, 2, 3, 4, 1, 0, 0, 0}, r.tokens().get("inputs"));
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 2, 0, 0, 0}, r.segmentIds().get("inputs"));
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 3, 0, 0, 0}, r.positions().get("inputs"));
        assertArrayEquals(new int[] {4, 1, 5, 6, 1, 0, 0, 0, 0, 0}, r.tokens().get("targets"));
        assertArrayEquals(new int[] {1, 1, 2, 2, 2, 0, 0, 0, 0, 0}, r.segmentIds().get("targets"));
        assertArrayEquals(new int[] {0, 1, 0, 1, 2, 0, 0, 0, 0, 0}, r.positions().get("targets"));
    }

    @Test
    void encDecConverterReadmeExample() {
        EncDecFeatureConverter c = new EncDecFeatureConverter(10, 7, true);
        List<EncDecFeatureConverter.Row> rows = all(c.convert(List.of(
                ex(new int[] {7, 8, 5, 1}, new int[] {3, 9, 1}),
                ex(new int[] {8, 4, 9, 3, 1}, new int[] {4, 1})).iterator()));
        assertEquals(1, rows.size());
        EncDecFeatureConverter.Row r = rows.get(0);
        assertArrayEquals(new int[] {7, 8, 5, 1, 8, 4, 9, 3, 1, 0}, r.encoderInputTokens());
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2, 2, 2, 0}, r.encoderSegmentIds());
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 4, 0}, r.encoderPositions());
        assertArrayEquals(new int[] {3, 9, 1, 4, 1, 0, 0}, r.decoderTargetTokens());
        assertArrayEquals(new int[] {0, 3, 9, 0, 4, 0, 0}, r.decoderInputTokens());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 0}, r.decoderLossWeights());
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 0, 0}, r.decoderSegmentIds());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 0, 0}, r.decoderPositions());
    }

    @Test
    void flushesWhenAnyFeatureWouldOverflowAndTrimsLongExamples() {
        // lengths 5/3, window = 5 examples. Hand-computed:
        // e1 in[11,12,1] tg[21,1]   -> row A in: 11 12 1 . .  tg: 21 1 .
        // e2 in[13,1]    tg[22,23,1] -> targets 2+3 > 3: flush A; row B in: 13 1 . . . tg: 22 23 1
        // e3 in[14,15,16,17,18,19,1] (trimmed to 5) tg[24,1] -> inputs 2+5 > 5: flush B; row C in: 14..18  tg: 24 1 .
        // e4 in[31,1] tg[32,1] -> inputs 5+2 > 5: flush C; row D in: 31 1 . . . tg: 32 1 .
        List<Packing.Row> rows = all(Packing.pack(List.of(
                ex(new int[] {11, 12, 1}, new int[] {21, 1}),
                ex(new int[] {13, 1}, new int[] {22, 23, 1}),
                ex(new int[] {14, 15, 16, 17, 18, 19, 1}, new int[] {24, 1}),
                ex(new int[] {31, 1}, new int[] {32, 1})).iterator(), lengths(5, 3)));
        assertEquals(4, rows.size());
        assertArrayEquals(new int[] {11, 12, 1, 0, 0}, rows.get(0).tokens().get("inputs"));
        assertArrayEquals(new int[] {21, 1, 0}, rows.get(0).tokens().get("targets"));
        assertArrayEquals(new int[] {13, 1, 0, 0, 0}, rows.get(1).tokens().get("inputs"));
        assertArrayEquals(new int[] {22, 23, 1}, rows.get(1).tokens().get("targets"));
        assertArrayEquals(new int[] {14, 15, 16, 17, 18}, rows.get(2).tokens().get("inputs"));
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, rows.get(2).segmentIds().get("inputs"));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, rows.get(2).positions().get("inputs"));
        assertArrayEquals(new int[] {31, 1, 0, 0, 0}, rows.get(3).tokens().get("inputs"));
    }

    @Test
    void partialRowIsFlushedAtTheEndOfEachWindow() {
        // lengths 4/4 -> window of 4 examples; 5 tiny examples: the first four share a row? inputs 1 token each -> 4
        // fit,
        // targets 1 token each -> 4 fit; the 5th starts a new window, so a new row even though nothing overflowed.
        List<Example> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) in.add(ex(new int[] {10 + i}, new int[] {20 + i}));
        List<Packing.Row> rows = all(Packing.pack(in.iterator(), lengths(4, 4)));
        assertEquals(2, rows.size());
        assertArrayEquals(new int[] {10, 11, 12, 13}, rows.get(0).tokens().get("inputs"));
        assertArrayEquals(new int[] {1, 2, 3, 4}, rows.get(0).segmentIds().get("inputs"));
        assertArrayEquals(new int[] {14, 0, 0, 0}, rows.get(1).tokens().get("inputs"));
    }

    @Test
    void paddingWithoutPacking() {
        EncDecFeatureConverter c = new EncDecFeatureConverter(4, 3, false);
        List<EncDecFeatureConverter.Row> rows = all(c.convert(List.of(
                ex(new int[] {5, 6, 1}, new int[] {7, 8, 9, 1})).iterator()));
        EncDecFeatureConverter.Row r = rows.get(0);
        assertArrayEquals(new int[] {5, 6, 1, 0}, r.encoderInputTokens());
        assertArrayEquals(new int[] {7, 8, 9}, r.decoderTargetTokens());
        assertArrayEquals(new int[] {0, 7, 8}, r.decoderInputTokens());
        assertArrayEquals(new int[] {1, 1, 1}, r.decoderLossWeights());
        assertNull(r.encoderSegmentIds());
    }

    @Test
    void batchesOfRows() {
        EncDecFeatureConverter c = new EncDecFeatureConverter(4, 4, false);
        List<Example> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) in.add(ex(new int[] {10 + i, 1}, new int[] {20 + i, 1}));
        List<Batch> kept = all(Batch.batches(c.convert(in.iterator()), 2, false));
        assertEquals(3, kept.size());
        assertEquals(1, kept.get(2).rows());
        assertArrayEquals(new int[] {12, 1, 0, 0}, kept.get(1).encoderInputTokens()[0]);
        assertArrayEquals(new int[] {0, 23, 1, 0}, kept.get(1).decoderInputTokens()[1]);
        List<Batch> dropped = all(Batch.batches(c.convert(in.iterator()), 2, true));
        assertEquals(2, dropped.size());
    }
}
