package dev.t5j.synth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LimeTaskTest {
    static final TokenSpace S = TokenSpace.of(new FakeT5Vocabulary());
    static final int COLON = 32000, SEP = 32001, UPPER = 32002, OPEN = 32003, LOWER = 32004, MATH = 32005, CLOSE =
            32006;

    /** Parses "A : [ x y ] B : [ z ]" (commas already removed) into variable -> substitution. */
    static Map<Integer, int[]> parseSubst(int[] s) {
        Map<Integer, int[]> m = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length) {
            int var = s[i];
            assertEquals(COLON, s[i + 1]);
            assertEquals(OPEN, s[i + 2]);
            int j = i + 3;
            while (s[j] != CLOSE) j++;
            m.put(var, Arrays.copyOfRange(s, i + 3, j));
            i = j + 1;
        }
        return m;
    }

    static int[] substitute(int[] pattern, Map<Integer, int[]> m) {
        List<Integer> out = new ArrayList<>();
        for (int t : pattern) if (m.containsKey(t)) for (int x : m.get(t)) out.add(x); else out.add(t);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void allThreeModesAreConsistentRewrites() {
        for (LimeTask.Mode mode : LimeTask.Mode.values()) {
            LimeTask t = new LimeTask(mode, S, 10, 220);
            assertEquals("lime_" + mode.name().toLowerCase(), t.name());
            SplittableRandom r = new SplittableRandom(11);
            for (int n = 0; n < 100; n++) {
                SyntheticTask.SyntheticExample ex = t.generate(r);
                int[] in = ex.inputs();
                assertEquals(UPPER, in[0], "no task prefix: starts with <UPPER>");
                int lower = indexOf(in, LOWER), math = indexOf(in, MATH);
                int[] vars = Arrays.copyOfRange(in, 1, lower);
                assertTrue(vars.length >= 1 && vars.length <= 5);
                assertEquals(24, math - lower - 1, "24 LOWER symbols");
                assertEquals(SEP, in[math + 21], "20 MATH symbols then <sep>");
                int bodyStart = math + 22;
                int sep2 = indexOf(Arrays.copyOfRange(in, bodyStart, in.length), SEP) + bodyStart;
                int[] first = Arrays.copyOfRange(in, bodyStart, sep2), second = Arrays.copyOfRange(in, sep2 + 1,
                        in.length);
                assertTrue(in.length <= 220 && ex.targets().length >= 10 && ex.targets().length <= 220);
                for (int x : ex.targets()) assertNotEquals(-1, x, "commas removed");
                switch (mode) {
                    case DEDUCT -> assertArrayEquals(substitute(first, parseSubst(second)), ex.targets());
                    case INDUCT -> assertArrayEquals(first, substitute(ex.targets(), parseSubst(second)));
                    case ABDUCT -> {
                        Map<Integer, int[]> m = parseSubst(ex.targets());
                        assertArrayEquals(second, substitute(first, m));
                        // substitution order = header order = CPython set order of the variables
                        assertArrayEquals(vars, m.keySet().stream().mapToInt(Integer::intValue).toArray());
                    }
                }
                // header variables are list(set(pattern_chars)): exactly the variables the pattern uses
                int[] pattern = mode == LimeTask.Mode.INDUCT ? ex.targets() : first;
                int[] lowerSyms = Arrays.copyOfRange(in, lower + 1, math);
                int[] mathSyms = Arrays.copyOfRange(in, math + 1, math + 21);
                for (int p : pattern) assertTrue(indexOf(vars, p) >= 0 || indexOf(mathSyms, p) >= 0,
                        "pattern = variables + MATH");
                assertEquals(java.util.Arrays.stream(pattern).filter(p -> indexOf(vars, p) >=
                        0).boxed().collect(java.util.stream.Collectors.toSet()),
                        java.util.Arrays.stream(vars).boxed().collect(java.util.stream.Collectors.toSet()));
                assertEquals(vars.length, java.util.Arrays.stream(vars).distinct().count());
                assertEquals(0, Arrays.stream(lowerSyms).filter(x -> indexOf(mathSyms, x) >= 0).count(),
                        "68 distinct symbols");
            }
        }
    }

    @Test
    void limeMixesTheThreeModes() {
        LimeTask t = new LimeTask(null, S, 10, 220);
        assertEquals("lime", t.name());
        SplittableRandom r = new SplittableRandom(5);
        int abduct = 0;
        for (int i = 0; i < 90; i++) if (t.generate(r).targets()[1] == COLON) abduct++;  // abduct outputs start "A :"
        assertTrue(abduct > 10 && abduct < 60, "about a third abduct: " + abduct);
    }

    static int indexOf(int[] a, int x) {
        for (int i = 0; i < a.length; i++) if (a[i] == x) return i;
        return -1;
    }
}
