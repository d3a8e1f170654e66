package dev.t5j.tokenizer;

import java.util.Arrays;

/** UTF-8 helpers with exactly sentencepiece's rules (util.h), so malformed input is handled the same way. */
final class Utf8 {
    private Utf8() {}

    /** Length of the character starting with lead byte {@code b} by its high nibble (sentencepiece's OneCharLen). */
    static int oneCharLen(byte b) {
        int hi = (b & 0xFF) >>> 4;
        return hi < 12 ? 1 : hi < 14 ? 2 : hi == 14 ? 3 : 4;
    }

    /**
     * Length of the valid character at {@code s[i]}, or -1 if it is malformed (then sentencepiece consumes one byte
     * and emits U+FFFD). Rejects overlong forms, surrogates and code points above U+10FFFF.
     */
    static int validCharLen(byte[] s, int i, int end) {
        int b0 = s[i] & 0xFF;
        int len = end - i;
        if (b0 < 0x80) return 1;
        if (len >= 2 && (b0 & 0xE0) == 0xC0) {
            int b1 = s[i + 1] & 0xFF;
            int cp = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
            if (trail(b1) && cp >= 0x80) return 2;
        } else if (len >= 3 && (b0 & 0xF0) == 0xE0) {
            int b1 = s[i + 1] & 0xFF, b2 = s[i + 2] & 0xFF;
            int cp = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
            if (trail(b1) && trail(b2) && cp >= 0x800 && validCodepoint(cp)) return 3;
        } else if (len >= 4 && (b0 & 0xF8) == 0xF0) {
            int b1 = s[i + 1] & 0xFF, b2 = s[i + 2] & 0xFF, b3 = s[i + 3] & 0xFF;
            int cp = ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
            if (trail(b1) && trail(b2) && trail(b3) && cp >= 0x10000 && validCodepoint(cp)) return 4;
        }
        return -1;
    }

    private static boolean trail(int b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean validCodepoint(int cp) {
        return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
    }

    /**
     * UTF-8 bytes of a Java string without allocation-heavy encoders; lone surrogates become U+FFFD (as a
     * CharsetEncoder with REPLACE would, but with the Unicode replacement character rather than '?').
     */
    static byte[] encode(CharSequence s) {
        int n = s.length();
        byte[] out = new byte[n * 3];
        int o = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[o++] = (byte) c;
            } else if (c < 0x800) {
                out[o++] = (byte) (0xC0 | (c >> 6));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[o++] = (byte) (0xF0 | (cp >> 18));
                out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (Character.isSurrogate(c)) c = '\uFFFD';
                out[o++] = (byte) (0xE0 | (c >> 12));
                out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return o == out.length ? out : Arrays.copyOf(out, o);
    }

    /** Byte offset of the first invalid UTF-8 sequence in {@code s[from,to)} (strict), or -1 if it is all valid. */
    static int firstInvalid(byte[] s, int from, int to) {
        int i = from;
        while (i < to) {
            if (s[i] >= 0) {
                i++;
                continue;
            }
            int l = validCharLen(s, i, to);
            if (l < 0) {
                // a literal U+FFFD is valid even though validCharLen treats it like any 3-byte char
                return i;
            }
            i += l;
        }
        return -1;
    }
}
