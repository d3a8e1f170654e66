package dev.t5j.data;

import dev.t5j.common.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A batch of encoder-decoder rows as {@code int[batch][length]} arrays, ready to become tensors. Segment ids and
 * positions are null when the rows are not packed. {@code rows} may be below the batch size only for the last batch
 * when the remainder is kept.
 */
public record Batch(int rows, int[][] encoderInputTokens, int[][] encoderSegmentIds, int[][] encoderPositions,
                    int[][] decoderTargetTokens, int[][] decoderInputTokens, int[][] decoderLossWeights,
                    int[][] decoderSegmentIds, int[][] decoderPositions) {

    /** Groups rows into batches of {@code batchSize}; the last partial batch is dropped when {@code dropRemainder}. */
    public static Iterator<Batch> batches(Iterator<EncDecFeatureConverter.Row> rows, int batchSize,
            boolean dropRemainder) {
        if (batchSize < 1) throw new UserError("batch size must be positive, got " + batchSize);
        return new Iterator<>() {
            Batch next;

            public boolean hasNext() {
                if (next != null) return true;
                List<EncDecFeatureConverter.Row> l = new ArrayList<>(batchSize);
                while (l.size() < batchSize && rows.hasNext()) l.add(rows.next());
                if (l.isEmpty() || (dropRemainder && l.size() < batchSize)) return false;
                next = of(l);
                return true;
            }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                Batch b = next;
                next = null;
                return b;
            }
        };
    }

    /**
     * Rows {@code [from, to)} of this batch: a data-parallel worker's share of the global batch (the arrays are
     * shared, not copied).
     */
    public Batch slice(int from, int to) {
        if (from < 0 || to > rows || from > to) throw new IllegalArgumentException("rows " + from + ".." + to
                + " of a batch of " + rows);
        return new Batch(to - from, cut(encoderInputTokens, from, to), cut(encoderSegmentIds, from, to),
                cut(encoderPositions, from, to), cut(decoderTargetTokens, from, to), cut(decoderInputTokens, from, to),
                cut(decoderLossWeights, from, to), cut(decoderSegmentIds, from, to), cut(decoderPositions, from, to));
    }

    private static int[][] cut(int[][] a, int from, int to) {
        return a == null ? null : Arrays.copyOfRange(a, from, to);
    }

    public static Batch of(List<EncDecFeatureConverter.Row> l) {
        int n = l.size();
        boolean packed = n > 0 && l.get(0).encoderSegmentIds() != null;
        int[][] eit = new int[n][], es = packed ? new int[n][] : null, ep = packed ? new int[n][] : null;
        int[][] dtt = new int[n][], dit = new int[n][], dlw = new int[n][], ds = packed ? new int[n][] : null, dp =
                packed ? new int[n][] : null;
        for (int i = 0; i < n; i++) {
            EncDecFeatureConverter.Row r = l.get(i);
            eit[i] = r.encoderInputTokens();
            dtt[i] = r.decoderTargetTokens();
            dit[i] = r.decoderInputTokens();
            dlw[i] = r.decoderLossWeights();
            if (packed) {
                es[i] = r.encoderSegmentIds();
                ep[i] = r.encoderPositions();
                ds[i] = r.decoderSegmentIds();
                dp[i] = r.decoderPositions();
            }
        }
        return new Batch(n, eit, es, ep, dtt, dit, dlw, ds, dp);
    }
}
