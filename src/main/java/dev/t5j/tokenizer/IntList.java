package dev.t5j.tokenizer;

import java.util.Arrays;

/** A growable list of primitive ints (no boxing on the tokenizer hot paths). */
public final class IntList {
    private int[] a;
    private int n;

    public IntList() {
        this(16);
    }

    public IntList(int capacity) {
        a = new int[Math.max(1, capacity)];
    }

    public void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, n * 2);
        a[n++] = v;
    }

    public void addAll(int[] vs) {
        for (int v : vs) add(v);
    }

    public int get(int i) {
        if (i >= n) throw new IndexOutOfBoundsException(i);
        return a[i];
    }

    public int size() {
        return n;
    }

    public void clear() {
        n = 0;
    }

    public int last() {
        return a[n - 1];
    }

    public int[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
