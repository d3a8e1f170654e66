package dev.t5j.synth;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class NonsenseAndNestingTest {
    @Test
    void randomVocabIsBase26LeastSignificantFirst() {
        String[] w = TokenSpace.randomVocabWords(5000);
        assertEquals("aaa", w[0]);
        assertEquals("baa", w[1]);
        assertEquals("aba", w[26]);
        assertEquals(5000, new HashSet<>(List.of(w)).size());
    }

    @Test
    void summariesFollowTheirTransformations() {
        NonsenseSummaryTask t = new NonsenseSummaryTask(TokenSpace.of(new FakeT5Vocabulary()));
        SplittableRandom r = new SplittableRandom(2);
        int checked = 0;
        for (int n = 0; n < 300; n++) {
            NonsenseSummaryTask.TextPair p = t.generateText(r);
            assertEquals(3, new HashSet<>(p.transforms()).size(), "three distinct transformations");
            assertTrue(p.input().endsWith(" ."));
            assertFalse(p.target().isBlank());
            if (p.transforms().contains("d14")) {
                Matcher m = Pattern.compile("__d14__(\\d+)__").matcher(p.input());
                assertTrue(m.find());
                int v = Integer.parseInt(m.group(1));
                assertTrue(p.target().contains(v >= 50 ? "the number was above or equal to threshold ."
                        : "the number was below threshold ."));
                checked++;
            }
            if (p.transforms().contains("d16")) {
                Matcher m = Pattern.compile("__d16__(\\d+)__").matcher(p.input());
                int max = -1;
                while (m.find()) max = Math.max(max, Integer.parseInt(m.group(1)));
                assertTrue(p.target().contains("The largest number is " + max + " ."), p.transforms() + "\n" + p.input()
                        + "\n=> " + p.target());
                checked++;
            }
            if (p.transforms().contains("d3")) {
                // the output copies the sentence carrying the d3 keyword: the keyword and its neighbours appear in the
                // target
                Matcher m = Pattern.compile("__d3__keyword_\\d__ \\S+").matcher(p.input());
                assertTrue(m.find());
                assertTrue(p.target().contains(m.group()), m.group());
                checked++;
            }
            if (p.transforms().contains("d10")) {
                Matcher m = Pattern.compile("__d10__keyword_(\\d)__").matcher(p.input());
                assertTrue(m.find());
                assertTrue(p.target().contains(Integer.parseInt(m.group(1)) < 5 ? "the keyword was positive ."
                        : "the keyword was negative ."));
                checked++;
            }
        }
        assertTrue(checked > 100);
        SyntheticTask.SyntheticExample ex = t.generate(new SplittableRandom(1));
        assertTrue(ex.inputs().length > 50 && ex.targets().length > 0);
    }

    @Test
    void smallVocabularyEncodesNonsenseWordsAsSingleTokens() {
        SimpleVocabulary v = new SimpleVocabulary();
        NonsenseSummaryTask t = new NonsenseSummaryTask(TokenSpace.of(v));
        NonsenseSummaryTask.TextPair p = t.generateText(new SplittableRandom(4));
        int[] ids = v.encode(p.input());
        for (int id : ids) assertNotEquals(v.unkId(), id, "every piece is known");
    }

    @Test
    void nestingLanguageIsWellNested() {
        TokenSpace s = TokenSpace.small();
        NestingLanguageTask t = new NestingLanguageTask(s, 10, 220, 0.5);
        SplittableRandom r = new SplittableRandom(9);
        for (int n = 0; n < 100; n++) {
            SyntheticTask.SyntheticExample ex = t.generate(r);
            assertEquals(0, ex.inputs().length, "targets only (span corruption is applied by the pipeline)");
            int[] x = ex.targets();
            assertTrue(x.length >= 10 && x.length <= 220);
            // greedy parse: a token equal to the innermost open one closes it; half the steps close, so with a pool of
            // 256 a greedy parse closes roughly 40-50% of tokens (random streams would close ~0.4%)
            int[] stack = new int[x.length];
            int depth = 0, closes = 0;
            for (int v : x) {
                if (depth > 0 && stack[depth - 1] == v) {
                    depth--;
                    closes++;
                } else stack[depth++] = v;
            }
            assertTrue(x.length < 20 || closes * 4 > x.length, "closes " + closes + " of " + x.length);
        }
    }
}
