package dev.t5j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * seqio {@code trim_and_pack_dataset} (tensor2tensor's {@code _pack_with_tf_ops}) and {@code trim_and_pad_dataset}.
 *
 * <p>Packing: examples are taken in windows of {@code max(lengths)} examples; within a window each example (trimmed to
 * its lengths, trailing zeros dropped) is appended in order to the current row if every feature still fits, otherwise
 * the row is flushed (zero-padded) and a new one started; the partial row is flushed at the end of each window.
 * Output keys {@code k}, {@code k_segment_ids} (1, 2, … per row; 0 on padding) and {@code k_positions} (0, 1, … per
 * example; 0 on padding). Features not listed are dropped.
 */
public final class Packing {
    private Packing() {}

    /** One packed or padded row: per feature, tokens, segment ids and positions (the last two null when padded). */
    public record Row(Map<String, int[]> tokens, Map<String, int[]> segmentIds, Map<String, int[]> positions) {}

    /**
     * Where a row stream stands, for exact resume: {@code examples} consumed before the current packing window, and
     * {@code rowsIntoWindow} rows of that window already returned (always 0 without packing).
     */
    public record Position(long examples, int rowsIntoWindow) {
        public static final Position START = new Position(0, 0);
    }

    /** A row iterator that can tell its {@link Position}. */
    public interface RowIterator extends Iterator<Row> {
        Position position();
    }

    public static RowIterator pack(Iterator<Example> in, Map<String, Integer> lengths) {
        return pack(in, lengths, 0);
    }

    /**
     * Packs {@code in}, whose first example starts a packing window, dropping the first {@code skipRows} rows of that
     * window (resume from a {@link Position}: skip {@code examples} in the input, pass {@code rowsIntoWindow}).
     */
    public static RowIterator pack(Iterator<Example> in, Map<String, Integer> lengths, int skipRows) {
        List<String> keys = new ArrayList<>(lengths.keySet());
        int window = lengths.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        return new RowIterator() {
            final ArrayList<Row> ready = new ArrayList<>();
            int readyIdx;
            long windowStart;     // examples consumed before the current window
            int windowSize;       // examples in the current window
            boolean first = true;

            @Override
            public Position position() {
                if (readyIdx >= ready.size()) return new Position(windowStart + windowSize, 0);
                return new Position(windowStart, readyIdx);
            }

            @Override
            public boolean hasNext() {
                while (readyIdx >= ready.size()) {
                    if (!in.hasNext()) return false;
                    ready.clear();
                    readyIdx = 0;
                    windowStart += windowSize;
                    windowSize = packWindow();
                    if (first) {
                        first = false;
                        readyIdx = Math.min(skipRows, ready.size());
                    }
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return ready.get(readyIdx++);
            }

            private int packWindow() {
                int consumed = 0;
                int n = keys.size();
                int[][] tok = new int[n][], pos = new int[n][];
                int[] fill = new int[n];
                boolean empty = true;
                newRow(tok, pos, fill);
                for (int w = 0; w < window && in.hasNext(); w++) {
                    Example e = in.next();
                    consumed++;
                    int[][] vals = new int[n][];
                    boolean fits = true;
                    for (int k = 0; k < n; k++) {
                        int[] v = stripTrailingZeros(e.tokens(keys.get(k)), lengths.get(keys.get(k)));
                        vals[k] = v;
                        if (fill[k] + v.length > lengths.get(keys.get(k))) fits = false;
                    }
                    if (!fits) {
                        ready.add(finish(tok, pos, fill));
                        newRow(tok, pos, fill);
                    }
                    for (int k = 0; k < n; k++) {
                        int[] v = vals[k];
                        System.arraycopy(v, 0, tok[k], fill[k], v.length);
                        for (int i = 0; i < v.length; i++) pos[k][fill[k] + i] = i;
                        fill[k] += v.length;
                    }
                    empty = false;
                }
                if (!empty) ready.add(finish(tok, pos, fill));
                return consumed;
            }

            private void newRow(int[][] tok, int[][] pos, int[] fill) {
                for (int k = 0; k < keys.size(); k++) {
                    tok[k] = new int[lengths.get(keys.get(k))];
                    pos[k] = new int[lengths.get(keys.get(k))];
                    fill[k] = 0;
                }
            }

            private Row finish(int[][] tok, int[][] pos, int[] fill) {
                Map<String, int[]> t = new LinkedHashMap<>(), s = new LinkedHashMap<>(), p = new LinkedHashMap<>();
                for (int k = 0; k < keys.size(); k++) {
                    t.put(keys.get(k), tok[k]);
                    p.put(keys.get(k), pos[k]);
                    s.put(keys.get(k), segmentIds(tok[k], pos[k]));
                }
                return new Row(t, s, p);
            }
        };
    }

    /** {@code cumsum(positions == 0) * (tokens != 0)}. */
    static int[] segmentIds(int[] tokens, int[] positions) {
        int[] seg = new int[tokens.length];
        int c = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (positions[i] == 0) c++;
            seg[i] = tokens[i] != 0 ? c : 0;
        }
        return seg;
    }

    /** seqio's {@code val[:reduce_sum(val != 0)]} after trimming to {@code len}. */
    private static int[] stripTrailingZeros(int[] v, int len) {
        int nonzero = 0;
        int end = Math.min(v.length, len);
        for (int i = 0; i < end; i++) if (v[i] != 0) nonzero++;
        return nonzero == v.length ? v : Arrays.copyOf(v, nonzero);
    }

    /** {@code trim_and_pad_dataset}: each example trimmed and zero-padded to its lengths; no segment ids/positions. */
    public static RowIterator pad(Iterator<Example> in, Map<String, Integer> lengths) {
        return new RowIterator() {
            long consumed;

            public Position position() { return new Position(consumed, 0); }

            public boolean hasNext() { return in.hasNext(); }

            public Row next() {
                Example e = in.next();
                consumed++;
                Map<String, int[]> t = new LinkedHashMap<>();
                for (var en : lengths.entrySet()) {
                    t.put(en.getKey(), Arrays.copyOf(e.tokens(en.getKey()), en.getValue())); // trims or zero-pads
                }
                return new Row(t, null, null);
            }
        };
    }
}
