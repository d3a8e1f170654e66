package dev.t5j.model;

import java.util.Arrays;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Key/value cache for incremental decoding: per decoder layer, the self-attention keys/values of all positions so
 * far and the cross-attention keys/values of the encoder output (computed once).
 *
 * <p>Self-attention keys/values live in preallocated buffers [B, h, capacity, d_kv] that each step writes in place
 * (no concatenation, no copy of the past); a buffer that fills up is replaced by one of twice the size. Attention
 * reads the filled part as a view. Owns its tensors outside any step scope; {@link #close()} frees them.
 *
 * <p>Keys and values are held in fp32 whatever the model's dtype: attention runs in fp32
 * ({@link T5Attention#attendStep} says why), so a bf16 model's are widened once, when cached, not at every step.
 */
public final class DecoderCache implements AutoCloseable {
    /** Positions a fresh self-attention buffer holds when no capacity was asked for. */
    static final int DEFAULT_CAPACITY = 32;

    final Layer[] layers;
    private int length;

    public DecoderCache(int numLayers) {
        this(numLayers, DEFAULT_CAPACITY);
    }

    /** A cache whose self-attention buffers first hold {@code capacity} positions (the expected output length). */
    public DecoderCache(int numLayers, int capacity) {
        layers = new Layer[numLayers];
        for (int i = 0; i < numLayers; i++) layers[i] = new Layer(Math.max(1, capacity));
    }

    /** Number of decoder positions already cached. */
    public int length() {
        return length;
    }

    void advance(int steps) {
        length += steps;
    }

    /** Reorders the batch axis of the self-attention caches (beam search); cross caches are shared per example. */
    public void reorder(Tensor batchIndex) {
        for (Layer l : layers) {
            if (l.selfK == null) continue;
            l.setSelf(l.selfK.index_select(0, batchIndex), l.selfV.index_select(0, batchIndex));
        }
    }

    /**
     * Continuous batching: appends {@code n} rows of zeros to the self-attention caches for sequences that join a
     * running batch. Their slots so far are padding that the caller masks (decoder mask 0), so each joined sequence
     * starts at the current slot; relative positions (key slot − query slot) stay each sequence's own.
     */
    public void padRows(int n) {
        for (Layer l : layers) {
            if (l.selfK == null) continue;
            l.setSelf(torch.cat(new TensorVector(l.selfK, zeroRows(l.selfK, n)), 0),
                    torch.cat(new TensorVector(l.selfV, zeroRows(l.selfV, n)), 0));
        }
    }

    private static Tensor zeroRows(Tensor t, int n) {
        return torch.zeros_like(t.narrow(0, 0, 1)).repeat(n, 1, 1, 1);
    }

    /** Drops the first {@code n} positions (padding of every row): later relative positions are unchanged. */
    public void dropFront(int n) {
        if (n <= 0) return;
        if (n > length) throw new IllegalArgumentException("cannot drop " + n + " of " + length + " positions");
        for (Layer l : layers) {
            if (l.selfK == null) continue;
            l.setSelf(l.selfK.narrow(2, n, length - n), l.selfV.narrow(2, n, length - n));
        }
        length -= n;
    }

    /** Forgets the cross-attention keys/values: the next step recomputes them from a changed encoder batch. */
    public void clearCross() {
        for (Layer l : layers) {
            Tensors.free(l.crossK);
            Tensors.free(l.crossV);
            l.crossK = l.crossV = null;
        }
    }

    /** Whether the cross-attention keys/values were computed (after the first decoding step). */
    public boolean hasCross() {
        return layers.length > 0 && layers[0].crossK != null;
    }

    /** Encoder positions of the cached cross-attention keys (after {@link #hasCross}). */
    public long crossLength() {
        return layers[0].crossK.size(2);
    }

    /**
     * Continuous batching: appends rows for sequences joining the batch: zero self-attention rows (padding the caller
     * masks) and the cross-attention keys/values of their encoder output {@code enc} [n, S', d], computed for them
     * alone. Old and new cross rows are zero-padded along the encoder axis to the longer of the two; the caller pads
     * the encoder mask alike. Needs {@link #hasCross}.
     */
    public void joinRows(T5ForConditionalGeneration model, Tensor enc) {
        int n = (int) enc.size(0);
        long s = Math.max(crossLength(), enc.size(1));
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            if (l.selfK != null)
                l.setSelf(torch.cat(new TensorVector(l.selfK, zeroRows(l.selfK, n)), 0),
                        torch.cat(new TensorVector(l.selfV, zeroRows(l.selfV, n)), 0));
            T5Attention a = model.decoder.block[i].crossAttention.encDecAttention;
            Tensor[] kv = a.projectKv(enc);
            Tensor k = torch.cat(new TensorVector(pad(l.crossK, 2, s), pad(kv[0], 2, s)), 0);
            Tensor v = torch.cat(new TensorVector(pad(l.crossV, 2, s), pad(kv[1], 2, s)), 0);
            Tensors.free(l.crossK);
            Tensors.free(l.crossV);
            l.setCross(k, v);
        }
    }

    /** {@code t} zero-padded along {@code dim} to {@code size}. */
    public static Tensor pad(Tensor t, int dim, long size) {
        long cur = t.size(dim);
        if (cur == size) return t;
        long[] reps = new long[(int) t.dim()];
        Arrays.fill(reps, 1);
        reps[dim] = size - cur;
        return torch.cat(new TensorVector(t, torch.zeros_like(t.narrow(dim, 0, 1)).repeat(reps)), dim);
    }

    /** Continuous batching: keeps only the rows {@code batchIndex} of every cache, cross-attention ones included. */
    public void keepRows(Tensor batchIndex) {
        reorder(batchIndex);
        for (Layer l : layers) {
            if (l.crossK == null) continue;
            Tensor k = l.crossK.index_select(0, batchIndex);
            Tensor v = l.crossV.index_select(0, batchIndex);
            Tensors.free(l.crossK);
            Tensors.free(l.crossV);
            l.setCross(k, v);
        }
    }

    /**
     * A fresh cache (no decoder positions) whose cross-attention keys/values are this cache's, rows picked by
     * {@code batchIndex}: rank classification decodes every answer choice against its example's encoder keys/values,
     * computed once per example.
     */
    public DecoderCache selectCross(Tensor batchIndex) {
        DecoderCache c = new DecoderCache(layers.length, layers.length == 0 ? 1 : layers[0].capacity);
        for (int i = 0; i < layers.length; i++)
            if (layers[i].crossK != null)
                c.layers[i].setCross(layers[i].crossK.index_select(0, batchIndex), layers[i].crossV.index_select(0,
                        batchIndex));
        return c;
    }

    @Override
    public void close() {
        for (Layer l : layers) l.close();
    }

    static final class Layer {
        /** The filled part of the self-attention keys/values [B, h, T, d_kv]: views of the buffers below. */
        Tensor selfK;
        Tensor selfV;
        Tensor crossK;
        Tensor crossV;
        /** Buffers [B, h, capacity, d_kv] behind selfK/selfV; null until the first append. */
        private Tensor bufK;
        private Tensor bufV;
        private final int capacity;

        Layer(int capacity) {
            this.capacity = capacity;
        }

        /** Appends this step's keys/values [B, h, t, d_kv] to the self-attention cache, in place when they fit. */
        void appendSelf(Tensor k, Tensor v) {
            long filled = selfK == null ? 0 : selfK.size(2);
            long t = k.size(2);
            if (bufK == null || filled + t > bufK.size(2)) grow(k, v, filled + t);
            bufK.narrow(2, filled, t).copy_(k);
            bufV.narrow(2, filled, t).copy_(v);
            setViews(filled + t);
        }

        /** New buffers for at least {@code need} positions (twice the old size), holding the filled part. */
        private void grow(Tensor k, Tensor v, long need) {
            long cap = Math.max(need, Math.max(capacity, bufK == null ? 0 : 2 * bufK.size(2)));
            ScalarTypeOptional fp32 = new ScalarTypeOptional(ScalarType.Float); // on k's device, in fp32
            Tensor nk = torch.empty(new long[]{k.size(0), k.size(1), cap, k.size(3)}, k.options().dtype(fp32),
                    new MemoryFormatOptional());
            Tensor nv = torch.empty(new long[]{v.size(0), v.size(1), cap, v.size(3)}, v.options().dtype(fp32),
                    new MemoryFormatOptional());
            if (selfK != null) {
                nk.narrow(2, 0, selfK.size(2)).copy_(selfK);
                nv.narrow(2, 0, selfV.size(2)).copy_(selfV);
            }
            Tensors.free(bufK);
            Tensors.free(bufV);
            bufK = Tensors.keep(nk);
            bufV = Tensors.keep(nv);
        }

        private void setViews(long filled) {
            Tensors.free(selfK);
            Tensors.free(selfV);
            selfK = Tensors.keep(bufK.narrow(2, 0, filled));
            selfV = Tensors.keep(bufV.narrow(2, 0, filled));
        }

        /**
         * Replaces the self-attention keys/values by {@code k}, {@code v} (reordered, padded or trimmed by the
         * caller): they become the filled part of fresh buffers, or of the current ones when the shapes allow.
         */
        void setSelf(Tensor k, Tensor v) {
            if (bufK != null && k.size(0) == bufK.size(0) && k.size(2) <= bufK.size(2)) {
                // same rows (beam reorder, dropped front): into the current buffers; a view of them (dropFront)
                // overlaps its destination, so it goes through a copy first
                Tensor tk = k.is_alias_of(bufK) ? k.clone() : k;
                Tensor tv = v.is_alias_of(bufV) ? v.clone() : v;
                bufK.narrow(2, 0, k.size(2)).copy_(tk);
                bufV.narrow(2, 0, v.size(2)).copy_(tv);
                setViews(k.size(2));
                return;
            }
            Tensor oldK = selfK;
            Tensor oldV = selfV;
            Tensors.free(bufK);
            Tensors.free(bufV);
            bufK = null;
            bufV = null;
            selfK = null;
            selfV = null;
            grow(k, v, Math.max(k.size(2), capacity));
            bufK.narrow(2, 0, k.size(2)).copy_(k);
            bufV.narrow(2, 0, v.size(2)).copy_(v);
            setViews(k.size(2));
            if (oldK != k) Tensors.free(oldK);
            if (oldV != v) Tensors.free(oldV);
        }

        void setCross(Tensor k, Tensor v) {
            // contiguous once: the projected keys are a transposed view, which every step's batched product would
            // otherwise copy again (measured: most of a batch-32 step's cross-attention time)
            crossK = Tensors.keep(k.to(ScalarType.Float).contiguous());
            crossV = Tensors.keep(v.to(ScalarType.Float).contiguous());
        }

        void close() {
            Tensors.free(selfK);
            Tensors.free(selfV);
            Tensors.free(bufK);
            Tensors.free(bufV);
            Tensors.free(crossK);
            Tensors.free(crossV);
            selfK = selfV = bufK = bufV = crossK = crossV = null;
        }
    }
}
