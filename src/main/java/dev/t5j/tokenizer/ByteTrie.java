package dev.t5j.tokenizer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable double-array trie over byte strings (UTF-8 pieces), built once and shared by all threads. A walk costs
 * one array probe per byte, which is what makes piece lookup in the Viterbi lattice cheap.
 *
 * <p>Layout: child of node {@code s} on byte {@code c} is {@code t = base[s] + c} if {@code check[t] == s}.
 */
public final class ByteTrie {
    private final int[] base;
    private final int[] check;
    private final int[] value;
    private final int size;

    /** Keys with their values; duplicate keys keep the first value. */
    public static ByteTrie build(List<byte[]> keys, int[] values) {
        Integer[] order = new Integer[keys.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Comparator<Integer> byKey = (a, b) -> Arrays.compareUnsigned(keys.get(a), keys.get(b));
        Arrays.sort(order, byKey.thenComparing(Comparator.naturalOrder()));
        byte[][] sorted = new byte[order.length][];
        int[] vals = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            sorted[i] = keys.get(order[i]);
            vals[i] = values[order[i]];
        }
        return new Builder(sorted, vals).build();
    }

    private ByteTrie(int[] base, int[] check, int[] value, int size) {
        this.base = base;
        this.check = check;
        this.value = value;
        this.size = size;
    }

    public static final int ROOT = 0;

    /** The child of {@code node} on byte {@code b}, or -1. */
    public int child(int node, byte b) {
        int t = base[node] + (b & 0xFF);
        return t < size && check[t] == node ? t : -1;
    }

    /** Number of node slots; node ids are below this. */
    public int nodeCount() {
        return size;
    }

    /** Value stored at {@code node} (a key ends there), or -1. */
    public int value(int node) {
        return value[node];
    }

    /** Exact lookup of {@code s[from, to)}; -1 when absent. */
    public int get(byte[] s, int from, int to) {
        int node = ROOT;
        for (int i = from; i < to; i++) {
            node = child(node, s[i]);
            if (node < 0) return -1;
        }
        return value[node];
    }

    /** Length of the longest key that is a prefix of {@code s[from, to)}, or 0 when none. */
    public int longestPrefix(byte[] s, int from, int to) {
        int node = ROOT, best = 0;
        for (int i = from; i < to; i++) {
            node = child(node, s[i]);
            if (node < 0) break;
            if (value[node] >= 0) best = i + 1 - from;
        }
        return best;
    }

    private static final class Builder {
        final byte[][] keys;
        final int[] vals;
        int[] base = new int[1024], check = new int[1024], value = new int[1024];
        // doubly linked list of free slots (darts-style) so placing a node skips used slots in O(1) each
        int[] nextFree = new int[1024], prevFree = new int[1024];
        int freeHead = -1, freeTail = -1;
        int size = 1;
        int[][] labelBuf = new int[16][], startBuf = new int[16][];

        Builder(byte[][] keys, int[] vals) {
            this.keys = keys;
            this.vals = vals;
            Arrays.fill(check, -1);
            Arrays.fill(value, -1);
            check[0] = -2;
            linkFree(1, base.length);
        }

        ByteTrie build() {
            if (keys.length > 0) place(ROOT, 0, keys.length, 0);
            return new ByteTrie(Arrays.copyOf(base, size), Arrays.copyOf(check, size), Arrays.copyOf(value, size),
                    size);
        }

        private void linkFree(int from, int to) {
            for (int i = from; i < to; i++) {
                prevFree[i] = freeTail;
                nextFree[i] = -1;
                if (freeTail >= 0) nextFree[freeTail] = i;
                else freeHead = i;
                freeTail = i;
            }
        }

        private void use(int t) {
            int p = prevFree[t], n = nextFree[t];
            if (p >= 0) nextFree[p] = n;
            else freeHead = n;
            if (n >= 0) prevFree[n] = p;
            else freeTail = p;
        }

        private void ensure(int n) {
            if (n <= base.length) return;
            int cap = Math.max(n, base.length * 2);
            int old = base.length;
            base = Arrays.copyOf(base, cap);
            check = Arrays.copyOf(check, cap);
            value = Arrays.copyOf(value, cap);
            nextFree = Arrays.copyOf(nextFree, cap);
            prevFree = Arrays.copyOf(prevFree, cap);
            Arrays.fill(check, old, cap, -1);
            Arrays.fill(value, old, cap, -1);
            linkFree(old, cap);
        }

        /** Places the children of node {@code s}, whose keys are {@code keys[lo, hi)} sharing {@code depth} bytes. */
        private void place(int s, int lo, int hi, int depth) {
            int i = lo;
            if (keys[i].length == depth) { // a key ends at s; sorted order puts it first
                value[s] = vals[i];
                i++;
                while (i < hi && keys[i].length == depth) i++; // duplicates: keep the first
            }
            if (i >= hi) return;
            if (depth >= labelBuf.length) {
                labelBuf = Arrays.copyOf(labelBuf, depth * 2 + 1);
                startBuf = Arrays.copyOf(startBuf, depth * 2 + 1);
            }
            if (labelBuf[depth] == null) {
                labelBuf[depth] = new int[256];
                startBuf[depth] = new int[257];
            }
            int[] labels = labelBuf[depth]; // per-depth buffers: recursion below reuses deeper ones only
            int[] starts = startBuf[depth];
            int n = 0;
            for (int j = i; j < hi; j++) {
                int c = keys[j][depth] & 0xFF;
                if (n == 0 || labels[n - 1] != c) {
                    labels[n] = c;
                    starts[n] = j;
                    n++;
                }
            }
            starts[n] = hi;
            int first = labels[0];
            int b;
            int p = freeHead;
            while (true) {
                if (p < 0) { // no free slot fits: grow; new slots join the end of the list
                    int old = base.length;
                    ensure(old * 2);
                    p = Math.max(old, first + 1);
                }
                if (p <= first) {
                    p = nextFree[p];
                    continue;
                }
                b = p - first;
                ensure(b + labels[n - 1] + 1);
                boolean ok = true;
                for (int k = 1; k < n; k++) {
                    if (check[b + labels[k]] != -1) {
                        ok = false;
                        break;
                    }
                }
                if (ok) break;
                p = nextFree[p];
            }
            base[s] = b;
            for (int k = 0; k < n; k++) {
                int t = b + labels[k];
                check[t] = s;
                use(t);
                size = Math.max(size, t + 1);
            }
            for (int k = 0; k < n; k++) place(b + labels[k], starts[k], starts[k + 1], depth + 1);
        }
    }
}
