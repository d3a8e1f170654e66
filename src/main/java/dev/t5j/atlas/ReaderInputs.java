package dev.t5j.atlas;

import dev.t5j.common.UserError;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.atlas.tasks.PyFormat;
import dev.t5j.engine.Tensors;
import dev.t5j.retrieval.Passage;
import dev.t5j.tokenizer.Vocabulary;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes fusion-in-decoder inputs as Atlas's {@code encode_passages}/{@code reader_tokenize}: each (query, passage)
 * pair is rendered with the encoder format ({@code "{query} title: {title} context: {text}"}), truncated to
 * {@code textMaxLength} tokens with {@code </s>} kept at the end, and an example with fewer than n passages is padded
 * with empty strings (a lone {@code </s>}). Targets get {@code </s>} appended, are truncated to
 * {@code targetMaxLength},
 * and padding becomes -100 in the labels.
 *
 * <p>One difference, on purpose: rows are padded to the longest row of the batch instead of to {@code text_maxlength}.
 * Padding is masked out everywhere, so outputs are identical and short inputs cost less.
 */
public final class ReaderInputs {
    private ReaderInputs() {}

    /** {@code format.format(query=query, **passage)} as Python would fill it ({@link PyFormat}). */
    public static String render(String format, String query, Passage p) {
        if (p == null) return "";
        try {
            return PyFormat.readerInput(format, query, p);
        } catch (IllegalArgumentException e) {
            throw new UserError("atlas.encoder_format: " + e.getMessage() + " (passage " + p.id() + ")");
        }
    }

    /**
     * {@code format.format(**passage)}: the passage as the retriever embeds it (Atlas's {@code --retriever_format}).
     */
    public static String retrieverText(String format, Passage p) {
        try {
            return PyFormat.retrieverInput(format, p);
        } catch (IllegalArgumentException e) {
            throw new UserError("atlas.retriever_format: " + e.getMessage() + " (passage " + p.id() + ")");
        }
    }

    /** ids {@code [B, n, L]} and mask as flat arrays plus their shape. */
    public record Encoded(long[] ids, long[] mask, int batch, int n, int length) {
        public Tensor idsTensor() {
            return Tensors.longs(ids, batch, n, length);
        }

        public Tensor maskTensor() {
            return Tensors.longs(mask, batch, n, length);
        }
    }

    /**
     * @param passages per example, its passages in rank order (only the first {@code n} are used; fewer are padded)
     */
    public static Encoded encode(List<String> queries, List<List<Passage>> passages, int n, String format,
            Vocabulary vocab, int textMaxLength) {
        int b = queries.size();
        int[][][] rows = new int[b][n][];
        int longest = 1;
        for (int i = 0; i < b; i++) {
            List<Passage> ps = passages.get(i);
            for (int k = 0; k < n; k++) {
                String s = k < ps.size() ? render(format, queries.get(i), ps.get(k)) : "";
                rows[i][k] = withEos(vocab.encode(s), vocab.eosId(), textMaxLength);
                longest = Math.max(longest, rows[i][k].length);
            }
        }
        long[] ids = new long[b * n * longest];
        long[] mask = new long[ids.length];
        Arrays.fill(ids, vocab.padId());
        for (int i = 0; i < b; i++)
            for (int k = 0; k < n; k++) {
                int off = (i * n + k) * longest;
                for (int t = 0; t < rows[i][k].length; t++) {
                    ids[off + t] = rows[i][k][t];
                    mask[off + t] = 1;
                }
            }
        return new Encoded(ids, mask, b, n, longest);
    }

    /** Labels [B, T] (-100 on padding): each target with {@code </s>} appended unless present, truncated. */
    public static Tensor labels(List<String> targets, Vocabulary vocab, int targetMaxLength) {
        int[][] rows = new int[targets.size()][];
        int longest = 1;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = withEos(vocab.encode(targets.get(i)), vocab.eosId(), targetMaxLength);
            longest = Math.max(longest, rows[i].length);
        }
        long[] flat = new long[rows.length * longest];
        Arrays.fill(flat, T5ForConditionalGeneration.IGNORE_INDEX);
        for (int i = 0; i < rows.length; i++) for (int t = 0; t < rows[i].length; t++) flat[i * longest + t] =
                rows[i][t];
        return Tensors.longs(flat, rows.length, longest);
    }

    /** Truncated to {@code max} tokens, ending with EOS (HF truncates, then adds the special token). */
    static int[] withEos(int[] ids, int eos, int max) {
        int n = ids.length;
        if (n > 0 && ids[n - 1] == eos) n--;
        n = Math.min(n, Math.max(0, max - 1));
        int[] out = Arrays.copyOf(ids, n + 1);
        out[n] = eos;
        return out;
    }
}
