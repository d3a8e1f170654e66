package dev.t5j.tokenizer;

import java.util.Arrays;

/**
 * SentencePiece text normalization (normalizer.cc): precompiled character map (e.g. nmt_nfkc), user-defined symbols
 * copied verbatim, leading/trailing/duplicate whitespace removal, dummy prefix and U+2581 escaping. Works on UTF-8
 * bytes so that results are byte-identical to the C++ library; malformed bytes become U+FFFD one byte at a time.
 * Immutable and thread-safe; callers pass their own output buffer.
 */
final class Normalizer {
    static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81}; // U+2581
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private final CharsMap charsMap; // null: identity
    private final ByteTrie userDefined; // null when the model has none
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;
    private final boolean treatWhitespaceAsSuffix;

    Normalizer(CharsMap charsMap, ByteTrie userDefined, boolean addDummyPrefix, boolean removeExtraWhitespaces,
               boolean escapeWhitespaces, boolean treatWhitespaceAsSuffix) {
        this.charsMap = charsMap;
        this.userDefined = userDefined;
        this.addDummyPrefix = addDummyPrefix;
        this.removeExtraWhitespaces = removeExtraWhitespaces;
        this.escapeWhitespaces = escapeWhitespaces;
        this.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
    }

    Normalizer withAddDummyPrefix(boolean v) {
        return new Normalizer(charsMap, userDefined, v, removeExtraWhitespaces, escapeWhitespaces,
                treatWhitespaceAsSuffix);
    }

    boolean addDummyPrefix() {
        return addDummyPrefix;
    }

    boolean removeExtraWhitespaces() {
        return removeExtraWhitespaces;
    }

    /** A growable byte buffer reused across calls by one thread. */
    static final class Buf {
        byte[] b = new byte[256];
        int n;

        void add(byte x) {
            if (n == b.length) b = Arrays.copyOf(b, n * 2);
            b[n++] = x;
        }

        void add(byte[] src, int from, int to) {
            int len = to - from;
            if (n + len > b.length) b = Arrays.copyOf(b, Math.max(b.length * 2, n + len));
            System.arraycopy(src, from, b, n, len);
            n += len;
        }

        boolean endsWith(byte[] suffix) {
            if (n < suffix.length) return false;
            for (int i = 0; i < suffix.length; i++) if (b[n - suffix.length + i] != suffix[i]) return false;
            return true;
        }
    }

    /**
     * Normalizes the next character(s) at {@code in[pos]}. Returns {@code consumed << 40 | kind << 32 | offset}
     * packed: kind 0 = copy input bytes [pos, pos+len) where len = (offset), kind 1 = charsmap replacement at offset,
     * kind 2 = U+FFFD. The replacement length for kind 1 comes from the charsmap.
     */
    private long prefix(byte[] in, int pos, int end) {
        byte b0 = in[pos];
        // plain ASCII
        if (b0 >= 0 && userDefined == null && (charsMap == null || !charsMap.startsRule(b0))) return (1L << 40) | 1;
        if (userDefined != null) {
            int m = userDefined.longestPrefix(in, pos, end);
            if (m > 0) return ((long) m << 40) | m;
        }
        if (charsMap != null) {
            long r = charsMap.longestMatch(in, pos, end);
            if (r >= 0) {
                long len = r >>> 32;
                return (len << 40) | (1L << 32) | (r & 0xFFFFFFFFL);
            }
        }
        int l = Utf8.validCharLen(in, pos, end);
        if (l < 0) return (1L << 40) | (2L << 32);
        return ((long) l << 40) | l;
    }

    /** Normalizes {@code in[from,to)} into {@code out} (cleared first). */
    void normalize(byte[] in, int from, int to, Buf out) {
        out.n = 0;
        int pos = from;
        if (pos >= to) return;
        if (removeExtraWhitespaces) { // skip heading spaces (after normalization)
            while (pos < to) {
                long p = prefix(in, pos, to);
                if (!isSingleSpace(p, in, pos)) break;
                pos += (int) (p >>> 40);
            }
        }
        if (pos >= to) return;
        if (!treatWhitespaceAsSuffix && addDummyPrefix) addWs(out);
        boolean prevSpace = removeExtraWhitespaces;
        byte[] blob = charsMap == null ? null : charsMap.normalizedBlob();
        while (pos < to) {
            long p = prefix(in, pos, to);
            int consumed = (int) (p >>> 40);
            int kind = (int) ((p >>> 32) & 0xFF);
            byte[] src;
            int s, e;
            if (kind == 0) {
                src = in;
                s = pos;
                e = pos + (int) (p & 0xFFFFFFFFL);
            } else if (kind == 1) {
                src = blob;
                s = (int) (p & 0xFFFFFFFFL);
                e = charsMap.replacementEnd(s);
            } else {
                src = REPLACEMENT;
                s = 0;
                e = 3;
            }
            if (prevSpace) while (s < e && src[s] == ' ') s++;
            if (s < e) {
                for (int k = s; k < e; k++) {
                    byte c = src[k];
                    if (c == ' ' && escapeWhitespaces) out.add(SPACE_SYMBOL, 0, 3);
                    else out.add(c);
                }
                prevSpace = src[e - 1] == ' ';
            }
            pos += consumed;
            if (!removeExtraWhitespaces) prevSpace = false;
        }
        if (removeExtraWhitespaces) {
            byte[] space = escapeWhitespaces ? SPACE_SYMBOL : new byte[] {' '};
            while (out.endsWith(space)) out.n -= space.length;
        }
        if (treatWhitespaceAsSuffix && addDummyPrefix) addWs(out);
    }

    private boolean isSingleSpace(long p, byte[] in, int pos) {
        int kind = (int) ((p >>> 32) & 0xFF);
        if (kind == 0) return (p & 0xFFFFFFFFL) == 1 && in[pos] == ' ';
        if (kind == 1) {
            int s = (int) (p & 0xFFFFFFFFL);
            return charsMap.replacementEnd(s) == s + 1 && charsMap.normalizedBlob()[s] == ' ';
        }
        return false;
    }

    private void addWs(Buf out) {
        if (escapeWhitespaces) out.add(SPACE_SYMBOL, 0, 3);
        else out.add((byte) ' ');
    }
}
