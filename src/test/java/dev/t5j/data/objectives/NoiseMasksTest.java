package dev.t5j.data.objectives;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class NoiseMasksTest {
    @Test
    void randomSpansHelperGives568And114For512() {
        NoiseMasks.SpanLengths l = NoiseMasks.randomSpansHelper(512, 0.15, 3.0, 1, 1);
        assertEquals(568, l.tokensLength());
        assertEquals(512, l.inputsLength());
        assertEquals(114, l.targetsLength());
        // 569 raw tokens would need 513 inputs: noise round(85.35)=85, spans 28, 484 + 28 + 1
        assertEquals(568, NoiseMasks.randomSpansHelper(512, 0.15, 3.0, 1, 1).tokensLength());
        // density 0.5: targets shortened to not exceed inputs
        NoiseMasks.SpanLengths half = NoiseMasks.randomSpansHelper(512, 0.5, 3.0, 1, 1);
        assertTrue(half.targetsLength() <= 512 + 1);
    }

    private static int countSpans(boolean[] m) {
        int s = 0;
        for (int i = 0; i < m.length; i++) if (m[i] && (i == 0 || !m[i - 1])) s++;
        return s;
    }

    private static int count(boolean[] m) {
        int c = 0;
        for (boolean b : m) if (b) c++;
        return c;
    }

    @Test
    void maskHasExactCountsStartsWithNonNoiseAndEndsWithNoise() {
        for (int length : new int[] {2, 3, 10, 30, 100, 568, 1000}) {
            for (long seed = 0; seed < 50; seed++) {
                boolean[] m = NoiseMasks.randomSpansNoiseMask(length, 0.15, 3.0, new SplittableRandom(seed));
                int noise = Math.min(Math.max((int) Math.rint((float) length * 0.15f), 1), length - 1);
                int spans = Math.max((int) Math.rint(noise / 3.0f), 1);
                assertEquals(length, m.length);
                assertEquals(noise, count(m), "noise tokens at length " + length);
                assertEquals(spans, countSpans(m), "noise spans at length " + length);
                assertFalse(m[0], "mask must start with non-noise");
                assertTrue(m[length - 1], "interleaving ends with a noise span");
            }
        }
    }

    @Test
    void roundingIsHalfToEvenLikeTfRound() {
        // 10 * 0.15 = 1.5 -> 2 ; 30 * 0.15 = 4.5 -> 4 (banker's rounding)
        assertEquals(2, count(NoiseMasks.randomSpansNoiseMask(10, 0.15, 3.0, new SplittableRandom(1))));
        assertEquals(4, count(NoiseMasks.randomSpansNoiseMask(30, 0.15, 3.0, new SplittableRandom(1))));
        // 568: 85 noise tokens in 28 spans
        boolean[] m = NoiseMasks.randomSpansNoiseMask(568, 0.15, 3.0, new SplittableRandom(7));
        assertEquals(85, count(m));
        assertEquals(28, countSpans(m));
    }

    @Test
    void lengthOneIsTruncatedFromTwo() {
        boolean[] m = NoiseMasks.randomSpansNoiseMask(1, 0.15, 3.0, new SplittableRandom(3));
        assertArrayEquals(new boolean[] {false}, m);
    }

    @Test
    void segmentationIsAUniformCompositionIntoPositiveParts() {
        Map<String, Integer> counts = new HashMap<>();
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < 3000; i++) {
            int[] seg = NoiseMasks.randomSegmentation(4, 2, rng);
            assertEquals(4, Arrays.stream(seg).sum());
            assertTrue(Arrays.stream(seg).allMatch(x -> x > 0));
            counts.merge(Arrays.toString(seg), 1, Integer::sum);
        }
        assertEquals(3, counts.size(), "compositions of 4 into 2 parts: (1,3) (2,2) (3,1)");
        for (int c : counts.values()) assertTrue(c > 850 && c < 1150, "roughly 1000 each: " + counts);
    }

    @Test
    void uniqueSentinelsCountDownFromTheTopOfTheVocabulary() {
        int[] tokens = {10, 11, 12, 13, 14, 15, 16, 17};
        boolean[] mask = {false, true, true, false, false, true, false, true};
        int v = 32100;
        assertArrayEquals(new int[] {10, 32099, 13, 14, 32098, 16, 32097}, NoiseMasks.noiseSpanToUniqueSentinel(tokens,
                mask, v));
        assertArrayEquals(new int[] {32099, 11, 12, 32098, 15, 32097, 17},
                NoiseMasks.nonnoiseSpanToUniqueSentinel(tokens, mask, v));
    }

    @Test
    void paperIllustration() {
        // "Thank you for inviting me to your party last week ." with "for inviting" and "last" masked
        String[] words = "Thank you for inviting me to your party last week .".split(" ");
        int[] ids = new int[words.length];
        for (int i = 0; i < ids.length; i++) ids[i] = 100 + i;
        boolean[] mask = new boolean[ids.length];
        mask[2] = mask[3] = mask[8] = true;
        int[] in = NoiseMasks.noiseSpanToUniqueSentinel(ids, mask, 1000);
        int[] tg = NoiseMasks.nonnoiseSpanToUniqueSentinel(ids, mask, 1000);
        // Thank you <X> me to your party <Y> week .
        assertArrayEquals(new int[] {100, 101, 999, 104, 105, 106, 107, 998, 109, 110}, in);
        // <X> for inviting <Y> last <Z>
        assertArrayEquals(new int[] {999, 102, 103, 998, 108, 997}, tg);
    }

    @Test
    void inputsAndTargetsReconstructTheOriginal() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int t = 0; t < 20; t++) {
            int n = 20 + rng.nextInt(600);
            int[] tokens = new int[n];
            for (int i = 0; i < n; i++) tokens[i] = 3 + rng.nextInt(250);
            boolean[] mask = NoiseMasks.randomSpansNoiseMask(n, 0.15, 3.0, rng);
            int[] in = NoiseMasks.noiseSpanToUniqueSentinel(tokens, mask, 359);
            int[] tg = NoiseMasks.nonnoiseSpanToUniqueSentinel(tokens, mask, 359);
            assertArrayEquals(tokens, reconstruct(in, tg, 259));
        }
    }

    /** Replaces each sentinel (id >= firstSentinel) in inputs by the target tokens following the same sentinel. */
    static int[] reconstruct(int[] inputs, int[] targets, int firstSentinel) {
        Map<Integer, List<Integer>> spans = new HashMap<>();
        Integer cur = null;
        for (int t : targets) {
            if (t >= firstSentinel) {
                cur = t;
                spans.put(t, new ArrayList<>());
            } else if (cur != null) spans.get(cur).add(t);
        }
        List<Integer> out = new ArrayList<>();
        for (int t : inputs) {
            if (t >= firstSentinel) out.addAll(spans.get(t));
            else out.add(t);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void iidAndPrefixMasks() {
        boolean[] iid = NoiseMasks.iidNoiseMask(10000, 0.15, new SplittableRandom(1));
        int c = count(iid);
        assertTrue(c > 1350 && c < 1650, "about 15% noise: " + c);
        for (long s = 0; s < 30; s++) {
            boolean[] p = NoiseMasks.randomPrefixNoiseMask(20, 0.5, new SplittableRandom(s));
            int k = count(p);
            assertTrue(k >= 1 && k <= 19, "prefix length in [1, length-1]: " + k);
            for (int i = 0; i < 20; i++) assertEquals(i < k, p[i], "noise is a prefix");
        }
        int[] toks = {5, 6, 7, 8};
        boolean[] pm = {true, true, false, false};
        assertArrayEquals(new int[] {5, 6}, NoiseMasks.dropNonnoiseTokens(toks, pm));
        assertArrayEquals(new int[] {7, 8}, NoiseMasks.dropNoiseTokens(toks, pm));
    }
}
