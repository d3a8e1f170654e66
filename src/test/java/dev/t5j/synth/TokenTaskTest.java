package dev.t5j.synth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class TokenTaskTest {
    static final TokenSpace SMALL = TokenSpace.small();
    static final TokenSpace T5 = TokenSpace.of(new FakeT5Vocabulary());

    static Set<Integer> setOf(int[] a) {
        return Arrays.stream(a).boxed().collect(Collectors.toSet());
    }

    /** Splits an input into prefix check + arguments. */
    static int[][] args(TokenSpace s, TokenTask t, int[] in) {
        int[] prefix = s.encodeText(t.kind().generatorName);
        assertArrayEquals(prefix, Arrays.copyOf(in, prefix.length), "task-name prefix");
        assertEquals(s.taskDivider(), in[prefix.length], "task divider after the name");
        int[] rest = Arrays.copyOfRange(in, prefix.length + 1, in.length);
        if (t.kind().unary) return new int[][]{rest, null};
        int div = -1;
        // the only divider (pool excludes it)
        for (int i = 0; i < rest.length; i++) if (rest[i] == s.argDivider()) div = i;
        assertTrue(div >= 0, "argument divider present");
        return new int[][]{Arrays.copyOfRange(rest, 0, div), Arrays.copyOfRange(rest, div + 1, rest.length)};
    }

    @Test
    void everyTaskSatisfiesItsDefiningProperty() {
        for (TokenSpace s : new TokenSpace[]{SMALL, T5}) {
            Set<Integer> pool = setOf(s.poolIds());
            for (TokenTask.Kind k : TokenTask.Kind.values()) {
                TokenTask t = new TokenTask(k, s, 10, 220);
                SplittableRandom r = new SplittableRandom(7);
                int yes = 0, empty = 0;
                for (int n = 0; n < 150; n++) {
                    SyntheticTask.SyntheticExample ex = t.generate(r);
                    int[][] a = args(s, t, ex.inputs());
                    int argLen = ex.inputs().length - s.encodeText(k.generatorName).length - 1;
                    assertTrue(argLen >= 10 && argLen <= 220, k + ": input length " + argLen);
                    for (int x : a[0]) assertTrue(pool.contains(x) || (k == TokenTask.Kind.LONGEST_WORD && x ==
                            s.wordDivider()), k + " token " + x);
                    int[] out = ex.targets();
                    assertTrue(out.length > 0, "never empty");
                    if (out.length == 1 && out[0] == s.emptyMarker()) {
                        empty++;
                        out = new int[0];
                    }
                    int[] x = a[0], y = a[1];
                    switch (k) {
                        case IDENTITY -> assertArrayEquals(x, out);
                        case REVERSE -> assertArrayEquals(x, TaskFunctions.reverse(out));
                        case DUPLICATE -> {
                            assertEquals(2 * x.length, out.length);
                            for (int i = 0; i < x.length; i++) assertTrue(out[2 * i] == x[i] && out[2 * i + 1] == x[i]);
                        }
                        case FIRST_TOKEN -> assertArrayEquals(new int[]{x[0]}, out);
                        case LAST_TOKEN -> assertArrayEquals(new int[]{x[x.length - 1]}, out);
                        case SET -> {
                            assertEquals(setOf(x), setOf(out));
                            assertEquals(out.length, setOf(out).size(), "no repeats");
                            int last = -1;
                            for (int o : out) {
                                int first = Arrays.stream(x).boxed().toList().indexOf(o);
                                assertTrue(first > last, "first-occurrence order");
                                last = first;
                            }
                        }
                        case DEDUPLICATE -> {
                            for (int i = 1; i < out.length; i++) assertNotEquals(out[i - 1], out[i]);
                            assertEquals(setOf(x), setOf(out));
                        }
                        case LENGTH -> assertArrayEquals(s.encodeNumber(x.length), out);
                        case COUNT -> {
                            assertEquals(1, y.length);
                            assertArrayEquals(s.encodeNumber((int) Arrays.stream(x).filter(v -> v == y[0]).count()),
                                    out);
                        }
                        case LONGEST_WORD -> {
                            int best = 0;
                            int cur = 0;
                            for (int v : x) {
                                cur = v == s.wordDivider() ? 0 : cur + 1;
                                best = Math.max(best, cur);
                            }
                            assertEquals(best, out.length);
                            assertTrue(TaskFunctions.indexOf(x, out) >= 0);
                        }
                        case SEARCH -> {
                            boolean found = TaskFunctions.indexOf(x, y) >= 0;
                            assertArrayEquals(s.encodeText(found ? "yes" : "no"), out);
                            if (found) yes++;
                        }
                        case DELETE -> {
                            int i = TaskFunctions.indexOf(x, y);
                            assertEquals(i >= 0 ? x.length - y.length : x.length, out.length);
                            if (i >= 0) yes++;
                        }
                        case SORT -> {
                            assertEquals(setOf(x).size() <= y.length, true);
                            int[] sorted = out;
                            assertEquals(Arrays.stream(x).sorted().boxed().toList(), Arrays.stream(sorted).sorted()
                                    .boxed().toList(), "a permutation");
                            java.util.Map<Integer, Integer> rank = new java.util.HashMap<>();
                            for (int i = 0; i < y.length; i++) rank.put(y[i], i);
                            for (int i = 1; i < sorted.length; i++) assertTrue(rank.get(sorted[i - 1]) <=
                                    rank.get(sorted[i]));
                        }
                        case REPLACE -> {
                            assertEquals(2, y.length);
                            assertTrue(setOf(x).contains(y[0]), "the key occurs in the sequence");
                            for (int i = 0; i < x.length; i++) assertEquals(x[i] == y[0] ? y[1] : x[i], out[i]);
                        }
                        case UNION, INTERSECT, SET1_MINUS_SET2, SET2_MINUS_SET1 -> {
                            Set<Integer> sa = setOf(x), sb = setOf(y), want = new HashSet<>(k ==
                                    TokenTask.Kind.SET2_MINUS_SET1 ? sb : sa);
                            switch (k) {
                                case UNION -> want.addAll(sb);
                                case INTERSECT -> want.retainAll(sb);
                                case SET1_MINUS_SET2 -> want.removeAll(sb);
                                default -> want.removeAll(sa);
                            }
                            assertEquals(want, setOf(out));
                            assertEquals(want.size(), out.length);
                            // the order is CPython's: recomputed with PySet from the same arguments
                            assertArrayEquals(t.output(x, y), out.length == 0 ? new int[0] : out);
                        }
                    }
                }
                if (k == TokenTask.Kind.SEARCH) assertTrue(yes > 40 && yes < 110, "about half the queries are present: "
                        + yes);
                if (k == TokenTask.Kind.DELETE) assertTrue(yes > 80, "about 3/4 of the queries are present: " + yes);
                if (k == TokenTask.Kind.INTERSECT || k == TokenTask.Kind.SET1_MINUS_SET2) assertTrue(empty >= 0);
            }
        }
    }

    @Test
    void t5LayoutUsesTheReferenceIds() {
        assertEquals(32099, T5.taskDivider());
        assertEquals(32098, T5.wordDivider());
        assertEquals(32097, T5.argDivider());
        assertEquals(32096, T5.emptyMarker());
        int[] lime = new int[7];
        for (int i = 0; i < 7; i++) lime[i] = T5.limeSymbol(i);
        assertArrayEquals(new int[]{32000, 32001, 32002, 32003, 32004, 32005, 32006}, lime);
        int[] pool = T5.poolIds();
        assertEquals(31998, pool.length);
        assertEquals(2, pool[0], "unk (2) is in the pool, pad and eos are not");
        assertEquals(31999, pool[pool.length - 1]);
        // length/count outputs drop a leading lone "▁" (id 3): "9" -> [3, 668] -> [668]; "22" -> [1630]
        assertArrayEquals(new int[]{668}, T5.encodeNumber(9));
        assertArrayEquals(new int[]{1630}, T5.encodeNumber(22));
    }

    @Test
    void referenceSampleLinesAreReproducedFromTheirArguments() {
        // count sample of §D.4: [3476, 32099, 17037 x6, 31573, 17037 x3, 32097, 17037] -> [668] (nine)
        TokenTask count = new TokenTask(TokenTask.Kind.COUNT, T5, 10, 220);
        int[] seq = {17037, 17037, 17037, 17037, 17037, 17037, 31573, 17037, 17037, 17037};
        assertArrayEquals(new int[]{668}, count.output(seq, new int[]{17037}));
        TokenTask search = new TokenTask(TokenTask.Kind.SEARCH, T5, 10, 220);
        assertArrayEquals(new int[]{150}, search.output(new int[]{14833, 28329}, new int[]{21384}));
        assertArrayEquals(new int[]{4273}, search.output(new int[]{14833, 28329}, new int[]{28329}));
        // set_2_minus_1 sample: ... -> [5250, 18108, 25806]
        TokenTask m = new TokenTask(TokenTask.Kind.SET2_MINUS_SET1, T5, 10, 220);
        assertArrayEquals(new int[]{5250, 18108, 25806}, m.output(new int[]{3239, 2863, 18822, 11154, 9398, 24534, 9342,
                2863, 11154},
                new int[]{18108, 18822, 9398, 18108, 25806, 2863, 9398, 25806, 25806, 11154, 5250}));
        // and the prefix of a generated example is the reference's
        SyntheticTask.SyntheticExample ex = m.generate(new SplittableRandom(1));
        assertArrayEquals(new int[]{356, 834, 357, 834, 14078, 834, 536, 32099}, Arrays.copyOf(ex.inputs(), 8));
        assertArrayEquals(new int[]{166, 834, 4059, 32099},
                Arrays.copyOf(new TokenTask(TokenTask.Kind.FIRST_TOKEN, T5, 10, 220).generate(new SplittableRandom(1))
                        .inputs(), 4));
    }

    @Test
    void referenceSortSampleIsReproduced() throws Exception {
        java.nio.file.Path f = java.nio.file.Path.of(getClass().getResource("/synth/sort_sample.tsv").toURI());
        var ex = SynthTsv.parseLine(java.nio.file.Files.readAllLines(f).get(0), f, 1);
        TokenTask sort = new TokenTask(TokenTask.Kind.SORT, T5, 10, 220);
        int[][] a = args(T5, sort, ex.inputs());
        assertArrayEquals(new int[]{1843, 32099}, java.util.Arrays.copyOf(ex.inputs(), 2));
        assertArrayEquals(ex.targets(), sort.output(a[0], a[1]));
        // longest_word: prefix encode("longest_word") = [14783, 834, 6051], words divided by 32098
        java.nio.file.Path lw = java.nio.file.Path.of(getClass().getResource("/synth/longest_word_samples.tsv")
                .toURI());
        TokenTask longest = new TokenTask(TokenTask.Kind.LONGEST_WORD, T5, 10, 220);
        for (String line : java.nio.file.Files.readAllLines(lw)) {
            var e = SynthTsv.parseLine(line, lw, 1);
            assertArrayEquals(new int[]{14783, 834, 6051, 32099}, java.util.Arrays.copyOf(e.inputs(), 4));
            assertArrayEquals(e.targets(), longest.output(java.util.Arrays.copyOfRange(e.inputs(), 4,
                    e.inputs().length), null));
        }
    }

    @Test
    void emptyOutputsBecomeTheMarker() {
        TokenTask t = new TokenTask(TokenTask.Kind.INTERSECT, SMALL, 10, 220);
        SplittableRandom r = new SplittableRandom(3);
        int empties = 0;
        for (int i = 0; i < 400; i++) {
            int[] out = t.generate(r).targets();
            if (out.length == 1 && out[0] == SMALL.emptyMarker()) empties++;
        }
        assertTrue(empties > 0, "intersections are sometimes empty (one side may have length 0)");
    }

    @Test
    void lengthRangeIsParameterizable() {
        TokenTask t = new TokenTask(TokenTask.Kind.REVERSE, SMALL, 5, 12);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            int len = t.generate(r).inputs().length - 2;
            assertTrue(len >= 5 && len <= 12, "length " + len);
        }
        assertThrows(IllegalArgumentException.class, () -> new TokenTask(TokenTask.Kind.COUNT, SMALL, 3, 10));
    }
}
