package dev.t5j.retrieval;

import dev.t5j.common.Progress;
import dev.t5j.engine.Tensors;
import dev.t5j.tokenizer.BertEncoding;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An {@link Embedder} over one {@link Contriever}: eval mode, no gradients, one {@link PointerScope} per batch, so
 * native memory stays flat however many texts go through. Texts are tokenized a chunk at a time and, within a chunk,
 * batched in order of token length: with {@link Contriever.Padding#LONGEST} a batch then carries little padding. The
 * vectors do not depend on the batching (a padded row equals the same text alone); rows come back in input order.
 *
 * <p>Uses the encoder's live weights: {@link #fingerprint()} is computed afresh on each call. Not thread-safe.
 */
public final class ContrieverEmbedder implements Embedder {
    /** Inputs at least this large show a progress line (rate, ETA) on stderr. */
    public static final int PROGRESS_THRESHOLD = 2048;
    /** Texts tokenized (and length-sorted) at a time: bounds the memory of token arrays for large corpora. */
    private static final int CHUNK_BATCHES = 64;

    private final Contriever encoder;
    private final int textMaxLength;
    private final Contriever.Padding padding;
    private final int batchSize;
    private final String label;
    private boolean progress = true;

    public ContrieverEmbedder(Contriever encoder, int textMaxLength, Contriever.Padding padding, int batchSize,
            String label) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.encoder = encoder;
        this.textMaxLength = textMaxLength;
        this.padding = padding;
        this.batchSize = batchSize;
        this.label = label;
    }

    /** Turns the progress line for large inputs on or off (on by default; also off with {@code -Dt5j.quiet=true}). */
    public ContrieverEmbedder withProgress(boolean on) {
        progress = on;
        return this;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public int dim() {
        return encoder.dim();
    }

    @Override
    public float[][] embed(List<String> texts) {
        int n = texts.size();
        int d = dim();
        float[][] out = new float[n][];
        boolean was = encoder.isTraining();
        encoder.train(false);
        Progress bar = progress && n >= PROGRESS_THRESHOLD ? new Progress(label, n, "texts") : null;
        try {
            int chunk = batchSize * CHUNK_BATCHES;
            for (int start = 0; start < n; start += chunk) {
                int end = Math.min(n, start + chunk);
                List<BertEncoding> enc = encoder.encode(texts.subList(start, end), textMaxLength);
                Integer[] order = new Integer[enc.size()];
                for (int i = 0; i < order.length; i++) order[i] = i;
                Arrays.sort(order, Comparator.comparingInt(i -> enc.get(i).length()));
                for (int b = 0; b < order.length; b += batchSize) {
                    int bEnd = Math.min(order.length, b + batchSize);
                    List<BertEncoding> batch = new ArrayList<>(bEnd - b);
                    for (int i = b; i < bEnd; i++) batch.add(enc.get(order[i]));
                    float[] flat;
                    try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                        Contriever.TokenBatch tb = encoder.tensors(batch, textMaxLength, padding);
                        flat = Tensors.toFloats(encoder.embed(tb.inputIds(), tb.attentionMask(), null));
                    }
                    for (int i = b; i < bEnd; i++) out[start + order[i]] = Arrays.copyOfRange(flat, (i - b) * d, (i - b
                            + 1) * d);
                    if (bar != null) bar.step(bEnd - b);
                }
            }
        } finally {
            encoder.train(was);
            if (bar != null) bar.close();
        }
        return out;
    }

    @Override
    public String fingerprint() {
        return encoder.fingerprint(textMaxLength);
    }
}
