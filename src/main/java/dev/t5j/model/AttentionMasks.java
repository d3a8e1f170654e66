package dev.t5j.model;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * The three masks of a packed encoder-decoder batch, as t5x builds them ({@code network.py}): tokens attend only
 * within their own segment and never to padding; the decoder is causal. Relative positions stay the row's
 * positions, whose differences inside a segment equal the within-segment differences, so the bias is unchanged.
 */
public final class AttentionMasks {
    /** [B, S, S], [B, T, T] and [B, T, S] 1/0 masks (int64). */
    public record Packed(Tensor encoder, Tensor decoder, Tensor cross) {}

    private AttentionMasks() {}

    public static Packed packed(int[][] encTokens, int[][] encSegments, int[][] decTargets, int[][] decSegments) {
        int b = encTokens.length, s = encTokens[0].length, t = decTargets[0].length;
        long[] enc = new long[b * s * s];
        long[] dec = new long[b * t * t];
        long[] cross = new long[b * t * s];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < s; i++)
                for (int j = 0; j < s; j++)
                    if (encTokens[r][i] > 0 && encTokens[r][j] > 0 && encSegments[r][i] == encSegments[r][j]) enc[(r * s
                            + i) * s + j] = 1;
            for (int i = 0; i < t; i++) {
                for (int j = 0; j <= i; j++)
                    if (decTargets[r][i] > 0 && decTargets[r][j] > 0 && decSegments[r][i] ==
                            decSegments[r][j]) dec[(r * t + i) * t + j] = 1;
                for (int j = 0; j < s; j++)
                    if (decTargets[r][i] > 0 && encTokens[r][j] > 0 && decSegments[r][i] ==
                            encSegments[r][j]) cross[(r * t + i) * s + j] = 1;
            }
        }
        return new Packed(Tensors.longs(enc, b, s, s), Tensors.longs(dec, b, t, t), Tensors.longs(cross, b, t, s));
    }
}
