package dev.t5j.synth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-checked cases of the output functions (the docstring examples of the reference, with a=1, b=2, ...). */
class TaskFunctionsTest {
    static final int A = 1, B = 2, C = 3, D = 4;

    @Test
    void unaryFunctions() {
        // aaacddc -> cddcaaa
        assertArrayEquals(new int[]{C, D, D, C, A, A, A}, TaskFunctions.reverse(new int[]{A, A, A, C, D, D, C}));
        // abd -> aabbdd
        assertArrayEquals(new int[]{A, A, B, B, D, D}, TaskFunctions.duplicate(new int[]{A, B, D}));
        int[] aabbbcbbbb = {A, A, B, B, B, C, B, B, B, B};
        // -> abc
        assertArrayEquals(new int[]{A, B, C}, TaskFunctions.set(aabbbcbbbb));
        // -> abcb
        assertArrayEquals(new int[]{A, B, C, B}, TaskFunctions.deduplicate(aabbbcbbbb));
    }

    @Test
    void longestWordKeepsTheFirstOfEqualLength() {
        int sp = 99;
        assertArrayEquals(new int[]{A, B}, TaskFunctions.longestWord(new int[]{A, B, sp, C, D, sp, A}, sp));
        assertArrayEquals(new int[]{C, D, A}, TaskFunctions.longestWord(new int[]{A, sp, C, D, A, sp, B, B}, sp));
        assertArrayEquals(new int[]{A}, TaskFunctions.longestWord(new int[]{A}, sp));
    }

    @Test
    void deleteRemovesOnlyTheFirstOccurrence() {
        assertArrayEquals(new int[]{C, A, B}, TaskFunctions.delete(new int[]{A, B, C, A, B}, new int[]{A, B}));
        assertArrayEquals(new int[]{A, B, C}, TaskFunctions.delete(new int[]{A, B, C}, new int[]{B, A}));
        assertEquals(2, TaskFunctions.indexOf(new int[]{A, A, B, C}, new int[]{B, C}));
        assertEquals(-1, TaskFunctions.indexOf(new int[]{A}, new int[]{A, A}));
    }

    @Test
    void sortIsStableAndTheLastPositionOfARepeatedTokenWins() {
        // order c a c: c -> 2 (last wins), a -> 1, so a's come first
        assertArrayEquals(new int[]{A, A, C, C}, TaskFunctions.sort(new int[]{C, A, C, A}, new int[]{C, A, C}));
        assertArrayEquals(new int[]{B, B, A, C}, TaskFunctions.sort(new int[]{A, B, C, B}, new int[]{B, A, C}));
        assertThrows(IllegalArgumentException.class, () -> TaskFunctions.sort(new int[]{D}, new int[]{A}));
    }

    @Test
    void replaceMatchesTheReferenceSample() {
        // replace sample line of §D.4: seq | 15380 2084 -> every 15380 becomes 2084
        int[] seq = {21148, 26187, 26617, 15380, 17593, 1956, 19069, 911, 3153};
        assertArrayEquals(new int[]{21148, 26187, 26617, 2084, 17593, 1956, 19069, 911, 3153},
                TaskFunctions.replace(seq, new int[]{15380, 2084}));
    }

    @Test
    void countAndSetOperations() {
        assertEquals(9, TaskFunctions.count(new int[]{7, 7, 7, 7, 7, 7, 5, 7, 7, 7}, 7));
        // small ints: CPython iterates them in ascending slot order
        assertArrayEquals(new int[]{2, 3, 5, 7}, TaskFunctions.union(new int[]{7, 3}, new int[]{5, 2, 3}));
        assertArrayEquals(new int[]{3}, TaskFunctions.intersect(new int[]{7, 3}, new int[]{5, 2, 3}));
        assertArrayEquals(new int[]{7}, TaskFunctions.minus(new int[]{7, 3}, new int[]{5, 2, 3}));
        assertArrayEquals(new int[0], TaskFunctions.minus(new int[]{3}, new int[]{3}));
    }

    @Test
    void absentQueryTestIsTheReferenceStringTest() {
        // str([1, 2])[1:-1] == "1, 2" is found inside "[11, 2, 3]" although [1, 2] is not a subsequence
        assertTrue(TokenTask.reprContains(new int[]{11, 2, 3}, new int[]{1, 2}));
        assertEquals(-1, TaskFunctions.indexOf(new int[]{11, 2, 3}, new int[]{1, 2}));
        assertFalse(TokenTask.reprContains(new int[]{2, 1}, new int[]{1, 2}));
    }
}
