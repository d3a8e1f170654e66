package dev.t5j.atlas.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * Atlas's answer-order permutations for multiple choice ({@code _get_permutation_orderings}): {@code single} =
 * identity, {@code cyclic} = {@code li[N-i:] + li[:N-i]} for i in 0..N-1 (N=4: 0123, 3012, 2301, 1230), {@code all}
 * = every permutation in {@code itertools.permutations} (lexicographic) order.
 */
public final class Permutations {
    private Permutations() {}

    public static final List<String> KINDS = List.of("single", "cyclic", "all");

    static void check(String kind, String flag) {
        if (!KINDS.contains(kind)) throw new IllegalArgumentException(flag + " must be one of " + KINDS + ", got '"
                + kind + "'");
    }

    public static List<int[]> orderings(int n, String kind) {
        check(kind, "permutations");
        List<int[]> out = new ArrayList<>();
        switch (kind) {
            case "cyclic" -> {
                for (int i = 0; i < n; i++) {
                    int[] o = new int[n];
                    for (int j = 0; j < n; j++) o[j] = Math.floorMod(j - i, n); // li[N-i:] + li[:N-i]
                    out.add(o);
                }
            }
            case "all" -> permute(new int[n], new boolean[n], 0, out);
            default -> {
                int[] o = new int[n];
                for (int j = 0; j < n; j++) o[j] = j;
                out.add(o);
            }
        }
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int depth, List<int[]> out) {
        if (depth == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int v = 0; v < cur.length; v++) {
            if (used[v]) continue;
            used[v] = true;
            cur[depth] = v;
            permute(cur, used, depth + 1, out);
            used[v] = false;
        }
    }
}
