package dev.t5j.tokenizer;

import java.util.Arrays;

/**
 * SentencePiece's precompiled character map ({@code NormalizerSpec.precompiled_charsmap}): a little-endian uint32
 * trie size, a darts-clone double-array trie over UTF-8 input bytes whose values are offsets into the NUL-terminated
 * replacement strings that follow. Lookup is the longest matching prefix, exactly as in sentencepiece's
 * normalizer.cc (commonPrefixSearch, then keep the longest).
 */
final class CharsMap {
    private final int[] units;
    private final byte[] normalized;
    /** Replacement length per normalized-blob offset, computed lazily-free at load: -1 where not a string start. */
    private final int[] replacementEnd;
    private final boolean[] startsRule = new boolean[256];

    private CharsMap(int[] units, byte[] normalized) {
        this.units = units;
        this.normalized = normalized;
        this.replacementEnd = new int[normalized.length];
        int start = 0;
        for (int i = 0; i < normalized.length; i++) {
            if (normalized[i] == 0) {
                for (int j = start; j <= i; j++) replacementEnd[j] = i;
                start = i + 1;
            }
        }
        for (int j = start; j < normalized.length; j++) replacementEnd[j] = normalized.length;
        for (int b = 0; b < 256; b++) startsRule[b] = firstStep(b);
    }

    /** True when some rule starts with byte {@code b} (else that byte can never match and is copied as is). */
    boolean startsRule(byte b) {
        return startsRule[b & 0xFF];
    }

    /** Parses the blob; throws {@link IllegalArgumentException} with a byte offset if it is malformed. */
    static CharsMap parse(byte[] blob) {
        if (blob.length <= 4) throw new IllegalArgumentException("precompiled_charsmap is too short (" + blob.length
                + " bytes)");
        long trieSize = (blob[0] & 0xFFL) | (blob[1] & 0xFFL) << 8 | (blob[2] & 0xFFL) << 16 | (blob[3] & 0xFFL) << 24;
        if (trieSize >= blob.length || trieSize % 4 != 0)
            throw new IllegalArgumentException("precompiled_charsmap trie size " + trieSize + " does not fit the "
                    + blob.length + "-byte blob");
        int n = (int) (trieSize / 4);
        int[] units = new int[n];
        for (int i = 0, p = 4; i < n; i++, p += 4)
            units[i] = (blob[p] & 0xFF) | (blob[p + 1] & 0xFF) << 8 | (blob[p + 2] & 0xFF) << 16 | (blob[p
                    + 3] & 0xFF) << 24;
        byte[] normalized = Arrays.copyOfRange(blob, 4 + (int) trieSize, blob.length);
        return new CharsMap(units, normalized);
    }

    private boolean firstStep(int c) {
        if (units.length == 0) return false;
        int id = offset(units[0]) ^ c;
        return id >= 0 && id < units.length && (units[id] & 0x800000FF) == c;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static boolean hasLeaf(int unit) {
        return ((unit >>> 8) & 1) == 1;
    }

    /**
     * Longest rule matching a prefix of {@code s[from,to)}: returns {@code (matchLength << 32) | replacementOffset},
     * or -1 when no rule matches. A corrupt trie never reads out of bounds: the walk just stops.
     */
    long longestMatch(byte[] s, int from, int to) {
        int[] u = units;
        int id = 0;
        if (u.length == 0) return -1;
        id ^= offset(u[0]);
        long best = -1;
        for (int i = from; i < to; i++) {
            int c = s[i] & 0xFF;
            id ^= c;
            if (id < 0 || id >= u.length) return best;
            int unit = u[id];
            // label(): the low byte plus the leaf flag bit 31 must equal the input byte
            if ((unit & 0x800000FF) != c) return best;
            id ^= offset(unit);
            if (hasLeaf(unit)) {
                if (id < 0 || id >= u.length) return best;
                int value = u[id] & 0x7FFFFFFF;
                if (value < normalized.length) best = ((long) (i + 1 - from) << 32) | value;
            }
        }
        return best;
    }

    byte[] normalizedBlob() {
        return normalized;
    }

    /** End (exclusive) of the NUL-terminated replacement starting at {@code offset}. */
    int replacementEnd(int offset) {
        return replacementEnd[offset];
    }
}
