package dev.t5j.synth;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The output functions of the 18 token-level tasks (reference {@code tasks_with_tokens.py}), as pure functions of the
 * sampled arguments. Text-producing ones (length, count, search) take the {@link TokenSpace} for encoding.
 */
public final class TaskFunctions {
    private TaskFunctions() {}

    public static int[] reverse(int[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[s.length - 1 - i];
        return out;
    }

    /** Each token twice: abc → aabbcc. */
    public static int[] duplicate(int[] s) {
        int[] out = new int[s.length * 2];
        for (int i = 0; i < s.length; i++) out[2 * i] = out[2 * i + 1] = s[i];
        return out;
    }

    /** Unique tokens in first-occurrence order: aabbbcbbbb → abc. */
    public static int[] set(int[] s) {
        Set<Integer> seen = new HashSet<>();
        int[] out = new int[s.length];
        int n = 0;
        for (int t : s) if (seen.add(t)) out[n++] = t;
        return Arrays.copyOf(out, n);
    }

    /** Collapse runs of equal tokens: aabbbcbbbb → abcb. */
    public static int[] deduplicate(int[] s) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) if (i == 0 || s[i] != s[i - 1]) out[n++] = s[i];
        return Arrays.copyOf(out, n);
    }

    /** The first longest word; words are separated by {@code divider}. */
    public static int[] longestWord(int[] s, int divider) {
        int bestStart = 0, bestLen = 0, start = 0;
        for (int i = 0; i <= s.length; i++) {
            if (i == s.length || s[i] == divider) {
                if (i - start > bestLen) {
                    bestLen = i - start;
                    bestStart = start;
                }
                start = i + 1;
            }
        }
        return Arrays.copyOfRange(s, bestStart, bestStart + bestLen);
    }

    public static int count(int[] seq, int query) {
        int c = 0;
        for (int t : seq) if (t == query) c++;
        return c;
    }

    /** Index of the first occurrence of {@code query} as a contiguous subsequence of {@code seq}, or -1. */
    public static int indexOf(int[] seq, int[] query) {
        outer:
        for (int i = 0; i + query.length <= seq.length; i++) {
            for (int j = 0; j < query.length; j++) if (seq[i + j] != query[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Delete the first occurrence of the query subsequence; unchanged if absent. */
    public static int[] delete(int[] seq, int[] query) {
        int idx = indexOf(seq, query);
        if (idx < 0) return seq.clone();
        int[] out = new int[seq.length - query.length];
        System.arraycopy(seq, 0, out, 0, idx);
        System.arraycopy(seq, idx + query.length, out, idx, seq.length - idx - query.length);
        return out;
    }

    /**
     * Stable sort of {@code seq} by each token's position in {@code order}; for a token listed twice the last position
     * wins (Python dict comprehension). Tokens absent from order are an error, as in the reference.
     */
    public static int[] sort(int[] seq, int[] order) {
        Map<Integer, Integer> rank = new HashMap<>();
        for (int i = 0; i < order.length; i++) rank.put(order[i], i);
        // Stable counting sort by rank (ranks are < order.length): same result as Python's stable sorted().
        int[] ranks = new int[seq.length];
        int[] count = new int[order.length + 1];
        for (int i = 0; i < seq.length; i++) {
            Integer r = rank.get(seq[i]);
            if (r == null) throw new IllegalArgumentException("token " + seq[i] + " is not in the order");
            ranks[i] = r;
            count[r + 1]++;
        }
        for (int i = 1; i < count.length; i++) count[i] += count[i - 1];
        int[] out = new int[seq.length];
        for (int i = 0; i < seq.length; i++) out[count[ranks[i]]++] = seq[i];
        return out;
    }

    /** Replace tokens by the key → value pairs of {@code query} ({@code k1 v1 k2 v2 ...}; a later key wins). */
    public static int[] replace(int[] seq, int[] query) {
        Map<Integer, Integer> dic = new HashMap<>();
        for (int i = 0; i + 1 < query.length; i += 2) dic.put(query[i], query[i + 1]);
        int[] out = new int[seq.length];
        for (int i = 0; i < seq.length; i++) out[i] = dic.getOrDefault(seq[i], seq[i]);
        return out;
    }

    /** {@code list(set(a).union(set(b)))} in CPython order. */
    public static int[] union(int[] a, int[] b) {
        return PySet.of(a).union(PySet.of(b)).toArray();
    }

    public static int[] intersect(int[] a, int[] b) {
        return PySet.of(a).intersection(PySet.of(b)).toArray();
    }

    /** {@code list(set(a) - set(b))} in CPython order. */
    public static int[] minus(int[] a, int[] b) {
        return PySet.of(a).difference(PySet.of(b)).toArray();
    }
}
