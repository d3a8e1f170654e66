package dev.t5j.synth;

import java.util.Arrays;

/**
 * A set of non-negative ints whose iteration order is exactly that of a CPython 3.7 {@code set} of small ints.
 *
 * <p>Why: the reference generator outputs {@code list(set(a) | set(b))} etc. for the set-operation tasks, so the target
 * order is CPython's hash-table order (hash(i) == i for small non-negative ints). This class replays the relevant parts
 * of
 * CPython's {@code Objects/setobject.c}: open addressing with {@code LINEAR_PROBES = 9} and {@code PERTURB_SHIFT = 5},
 * the
 * 8-slot start table, growth to {@code used*4} when {@code fill*5 >= mask*3}, {@code set_merge}'s single up-front
 * resize,
 * pointer copy into an empty table of equal size, and the algorithms of {@code union}, {@code intersection} and
 * {@code difference}. Checked against the reference repository's sample files (see PySetTest).
 */
public final class PySet {
    private static final int MINSIZE = 8;
    private static final int LINEAR_PROBES = 9;
    private static final int PERTURB_SHIFT = 5;
    private static final int EMPTY = -1;  // slot never used
    private static final int DUMMY = -2;  // slot of a discarded key

    private int[] table = new int[MINSIZE];
    private int mask = MINSIZE - 1;
    private int fill;  // active + dummy slots
    private int used;  // active slots

    public PySet() {
        Arrays.fill(table, EMPTY);
    }

    /** {@code set(list)}: adds the keys one by one in list order. */
    public static PySet of(int[] keys) {
        PySet s = new PySet();
        for (int k : keys) s.add(k);
        return s;
    }

    public int size() {
        return used;
    }

    /** {@code set_add_entry}. */
    public void add(int key) {
        if (key < 0) throw new IllegalArgumentException("PySet holds non-negative ints only: " + key);
        int freeslot = -1;
        long perturb = key;
        int i = key & mask;
        if (table[i] == EMPTY) {
            foundUnused(i, key);
            return;
        }
        while (true) {
            if (table[i] == key) return;
            if (table[i] == DUMMY && freeslot < 0) freeslot = i;
            if (i + LINEAR_PROBES <= mask) {
                for (int j = 1; j <= LINEAR_PROBES; j++) {
                    int e = table[i + j];
                    if (e == EMPTY) {
                        if (freeslot >= 0) {
                            table[freeslot] = key;
                            used++;
                        } else {
                            foundUnused(i + j, key);
                        }
                        return;
                    }
                    if (e == key) return;
                    if (e == DUMMY && freeslot < 0) freeslot = i + j;
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
            if (table[i] == EMPTY) {
                if (freeslot >= 0) {
                    table[freeslot] = key;
                    used++;
                } else {
                    foundUnused(i, key);
                }
                return;
            }
        }
    }

    private void foundUnused(int slot, int key) {
        fill++;
        used++;
        table[slot] = key;
        if ((long) fill * 5 < (long) mask * 3) return;
        resize(used > 50000 ? used * 2 : used * 4);
    }

    public boolean contains(int key) {
        long perturb = key;
        int i = key & mask;
        while (true) {
            int e = table[i];
            if (e == EMPTY) return false;
            if (e == key) return true;
            if (i + LINEAR_PROBES <= mask) {
                for (int j = 1; j <= LINEAR_PROBES; j++) {
                    e = table[i + j];
                    if (e == EMPTY) return false;
                    if (e == key) return true;
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    /** {@code set_discard_entry}: leaves a dummy, never shrinks by itself. */
    private boolean discard(int key) {
        long perturb = key;
        int i = key & mask;
        while (true) {
            int e = table[i];
            if (e == EMPTY) return false;
            if (e == key) {
                table[i] = DUMMY;
                used--;
                return true;
            }
            if (i + LINEAR_PROBES <= mask) {
                for (int j = 1; j <= LINEAR_PROBES; j++) {
                    e = table[i + j];
                    if (e == EMPTY) return false;
                    if (e == key) {
                        table[i + j] = DUMMY;
                        used--;
                        return true;
                    }
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    /** {@code set_table_resize}: smallest power of two above minused; re-inserts active keys in old table order. */
    private void resize(int minused) {
        int newsize = MINSIZE;
        while (newsize <= minused) newsize <<= 1;
        int[] old = table;
        table = new int[newsize];
        Arrays.fill(table, EMPTY);
        mask = newsize - 1;
        for (int k : old) if (k >= 0) insertClean(k);
        fill = used;
    }

    /** {@code set_insert_clean}: insertion into a table known to hold no dummies and not the key. */
    private void insertClean(int key) {
        long perturb = key;
        int i = key & mask;
        while (true) {
            if (table[i] == EMPTY) {
                table[i] = key;
                return;
            }
            if (i + LINEAR_PROBES <= mask) {
                for (int j = 1; j <= LINEAR_PROBES; j++) {
                    if (table[i + j] == EMPTY) {
                        table[i + j] = key;
                        return;
                    }
                }
            }
            perturb >>>= PERTURB_SHIFT;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }

    /** {@code set_merge}: adds every key of {@code other}, in other's table order. */
    private void merge(PySet other) {
        if (other == this || other.used == 0) return;
        if ((long) (fill + other.used) * 5 >= (long) mask * 3) resize((used + other.used) * 2);
        if (fill == 0 && mask == other.mask && other.fill == other.used) {
            System.arraycopy(other.table, 0, table, 0, table.length);
            fill = other.fill;
            used = other.used;
            return;
        }
        if (fill == 0) {
            fill = other.used;
            used = other.used;
            for (int k : other.table) if (k >= 0) insertClean(k);
            return;
        }
        for (int k : other.table) if (k >= 0) add(k);
    }

    /** {@code set.copy()}. */
    public PySet copy() {
        PySet r = new PySet();
        r.merge(this);
        return r;
    }

    /** {@code self.union(other)}: copy of self, then merge other. */
    public PySet union(PySet other) {
        PySet r = copy();
        r.merge(other);
        return r;
    }

    /** {@code self.intersection(other)}: iterate the smaller set (other when sizes tie), keep keys in the larger. */
    public PySet intersection(PySet other) {
        PySet so = this;
        PySet ot = other;
        if (ot.used > so.used) {
            PySet t = so;
            so = ot;
            ot = t;
        }
        PySet r = new PySet();
        for (int k : ot.table) if (k >= 0 && so.contains(k)) r.add(k);
        return r;
    }

    /** {@code self - other} ({@code set_difference}). */
    public PySet difference(PySet other) {
        if (used == 0) return copy();
        if ((used >> 2) > other.used) {
            // set_copy_and_difference: copy, discard other's keys, drop dummies if more than a quarter of the table.
            PySet r = copy();
            for (int k : other.table) if (k >= 0) r.discard(k);
            if ((r.fill - r.used) > r.mask / 4) r.resize(r.used > 50000 ? r.used * 2 : r.used * 4);
            return r;
        }
        PySet r = new PySet();
        for (int k : table) if (k >= 0 && !other.contains(k)) r.add(k);
        return r;
    }

    /** {@code list(self)}: keys in table order. */
    public int[] toArray() {
        int[] out = new int[used];
        int n = 0;
        for (int k : table) if (k >= 0) out[n++] = k;
        return out;
    }
}
