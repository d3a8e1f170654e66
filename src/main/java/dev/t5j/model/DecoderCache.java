package dev.t5j.model;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * Key/value cache for incremental decoding: per decoder layer, the self-attention keys/values of all positions so
 * far (grown each step) and the cross-attention keys/values of the encoder output (computed once).
 *
 * <p>Owns its tensors outside any step scope; {@link #close()} frees them.
 */
public final class DecoderCache implements AutoCloseable {
    final Layer[] layers;
    private int length;

    public DecoderCache(int numLayers) {
        layers = new Layer[numLayers];
        for (int i = 0; i < numLayers; i++) layers[i] = new Layer();
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
     * A fresh cache (no decoder positions) whose cross-attention keys/values are this cache's, rows picked by
     * {@code batchIndex}: rank classification decodes every answer choice against its example's encoder keys/values,
     * computed once per example.
     */
    public DecoderCache selectCross(Tensor batchIndex) {
        DecoderCache c = new DecoderCache(layers.length);
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
        Tensor selfK;
        Tensor selfV;
        Tensor crossK;
        Tensor crossV;

        void setSelf(Tensor k, Tensor v) {
            Tensor oldK = selfK;
            Tensor oldV = selfV;
            selfK = Tensors.keep(k);
            selfV = Tensors.keep(v);
            if (oldK != k) Tensors.free(oldK);
            if (oldV != v) Tensors.free(oldV);
        }

        void setCross(Tensor k, Tensor v) {
            crossK = Tensors.keep(k);
            crossV = Tensors.keep(v);
        }

        void close() {
            Tensors.free(selfK);
            Tensors.free(selfV);
            Tensors.free(crossK);
            Tensors.free(crossV);
            selfK = selfV = crossK = crossV = null;
        }
    }
}
