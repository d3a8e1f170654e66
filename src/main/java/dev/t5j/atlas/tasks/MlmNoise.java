package dev.t5j.atlas.tasks;

import dev.t5j.tokenizer.Vocabulary;

import java.util.Arrays;
import java.util.Random;

/**
 * Atlas's {@code apply_mlm_noise} (src/tasks/mlm.py): T5 span corruption of one text.
 *
 * <p>The text is tokenised without EOS and truncated to {@code maxLength} tokens (L of them). Noise tokens
 * {@code max(round(L·density), 1)}, spans {@code max(round(noise/meanSpan), 1)}, both with Python's round-half-even.
 * Span lengths of the noise and of the kept tokens come from {@link #spanLengths}. The input interleaves kept span i
 * and sentinel i, the output sentinel i and noise span i, for each span pair; so the input starts with kept text and
 * neither side gets a trailing sentinel or EOS. Sentinel i is {@code <extra_id_i>} (the vocabulary's
 * {@link Vocabulary#sentinelId}). Both sides are decoded back to strings as Atlas does ({@code tokenizer.decode}).
 *
 * <p>Random draws use {@code java.util.Random}, so a span layout matches Atlas's in distribution, not bit for bit.
 */
public final class MlmNoise {
    private MlmNoise() {}

    /** The corrupted pair, as ids and as the strings Atlas trains on. */
    public record Result(int[] tokens, int[] inputIds, int[] outputIds, String input, String output) {}

    public static Result apply(Vocabulary v, String text, double density, double meanSpanLength, int maxLength,
            Random rng) {
        int[] all = v.encode(text);
        int[] tokens = all.length > maxLength ? Arrays.copyOf(all, maxLength) : all;
        int length = tokens.length;
        int numNoise = Math.max((int) Math.rint(length * density), 1);
        int numSpans = Math.max((int) Math.rint(numNoise / meanSpanLength), 1);
        int numNonnoise = length - numNoise;
        int[] noiseLengths = spanLengths(numNoise, numSpans, rng);
        int[] nonnoiseLengths = spanLengths(numNonnoise, numSpans, rng);
        int pairs = Math.min(noiseLengths.length, nonnoiseLengths.length); // Python's zip
        int[] in = new int[length + pairs];
        int[] out = new int[length + pairs];
        int ni = 0, no = 0, offset = 0;
        for (int i = 0; i < pairs; i++) {
            int sentinel = v.sentinelId(i);
            int end = Math.min(offset + nonnoiseLengths[i], length); // Python slices clamp at the end
            for (int j = offset; j < end; j++) in[ni++] = tokens[j];
            in[ni++] = sentinel;
            offset += nonnoiseLengths[i];
            out[no++] = sentinel;
            end = Math.min(offset + noiseLengths[i], length);
            for (int j = Math.min(offset, length); j < end; j++) out[no++] = tokens[j];
            offset += noiseLengths[i];
        }
        int[] inputIds = Arrays.copyOf(in, ni), outputIds = Arrays.copyOf(out, no);
        return new Result(tokens, inputIds, outputIds, HfText.decode(v, inputIds, false), HfText.decode(v, outputIds,
                false));
    }

    /**
     * Atlas's {@code _get_span_lengths(num_items, num_segments)}: {@code num_items-1} flags, the first
     * {@code num_segments-1} set, shuffled, then a set flag appended; the lengths are the gaps between set flags.
     * The lengths sum to {@code max(num_items, 1)} (a single span of 1 when there are no items, as in Atlas).
     */
    public static int[] spanLengths(int numItems, int numSegments, Random rng) {
        int n = Math.max(numItems - 1, 0);
        boolean[] positions = new boolean[n + 1];
        for (int i = 0; i < n; i++) positions[i] = i < numSegments - 1;
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates, as random.shuffle
            int j = rng.nextInt(i + 1);
            boolean t = positions[i];
            positions[i] = positions[j];
            positions[j] = t;
        }
        positions[n] = true;
        int count = 0;
        for (boolean p : positions) if (p) count++;
        int[] out = new int[count];
        int k = 0, prev = -1;
        for (int i = 0; i <= n; i++) {
            if (positions[i]) {
                out[k++] = i - prev;
                prev = i;
            }
        }
        return out;
    }
}
