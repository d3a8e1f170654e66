package dev.t5j.synth;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PySetTest {
    /** Lines of the reference repository's sample files: op, inputs (with task prefix), target in CPython order. */
    static List<String[]> samples() throws Exception {
        List<String[]> out = new ArrayList<>();
        try (var r = new BufferedReader(new InputStreamReader(
                PySetTest.class.getResourceAsStream("/synth/set_ops_samples.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) if (!line.isBlank()) out.add(line.split("\t"));
        }
        return out;
    }

    static int[][] splitArgs(int[] input) {
        int start = 0;
        while (input[start] != 32099) start++;
        int div = start + 1;
        while (input[div] != 32097) div++;
        return new int[][]{Arrays.copyOfRange(input, start + 1, div), Arrays.copyOfRange(input, div + 1, input.length)};
    }

    @Test
    void replaysCpythonOrderOfReferenceSamples() throws Exception {
        Path f = Path.of("set_ops_samples.tsv");
        int n = 0;
        for (String[] s : samples()) {
            int[] input = SynthTsv.parseList(s[1], f, 0, "inputs");
            int[] want = SynthTsv.parseList(s[2], f, 0, "targets");
            int[][] args = splitArgs(input);
            PySet a = PySet.of(args[0]), b = PySet.of(args[1]);
            int[] got = switch (s[0]) {
                case "union" -> a.union(b).toArray();
                case "intersect" -> a.intersection(b).toArray();
                case "set_1_minus_2" -> a.difference(b).toArray();
                case "set_2_minus_1" -> b.difference(a).toArray();
                default -> throw new AssertionError(s[0]);
            };
            if (got.length == 0) got = new int[]{32096};
            assertArrayEquals(want, got, s[0] + " sample " + n);
            n++;
        }
        assertEquals(16, n);
    }

    @Test
    void smallIntsIterateInHashOrder() {
        // hash(i) == i: small ints land in slot i of the 8-slot table, so iteration is ascending.
        assertArrayEquals(new int[]{1, 2, 5}, PySet.of(new int[]{5, 2, 1, 2}).toArray());
        // 8 and 16 collide with slot 0 and are placed by linear probing after 0's occupant:
        // {8 -> slot 0, 16 -> slot 1}.
        assertArrayEquals(new int[]{8, 16, 3}, PySet.of(new int[]{8, 16, 3}).toArray());
        PySet s = PySet.of(new int[]{8, 16, 3});
        assertTrue(s.contains(16));
        assertFalse(s.contains(0));
    }
}
