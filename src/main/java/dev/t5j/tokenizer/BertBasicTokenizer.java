package dev.t5j.tokenizer;

import java.text.Normalizer;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT's BasicTokenizer (google-research/bert tokenization.py, HF BertTokenizer): drops NUL, U+FFFD and control
 * characters, maps whitespace to spaces, puts spaces around CJK ideographs, lower-cases and strips accents (NFD, drop
 * combining marks) when asked, and splits off every punctuation character. Character classes follow Python's
 * {@code unicodedata} categories, as the reference does.
 */
public record BertBasicTokenizer(boolean lowercase, boolean stripAccents, boolean tokenizeChineseChars,
                                 boolean cleanText) {
    public static BertBasicTokenizer uncased() {
        return new BertBasicTokenizer(true, true, true, true);
    }

    /** Words and punctuation of {@code text}, in order. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int n = text.length();
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) continue;
            }
            if (isWhitespace(cp) || isPythonSpace(cp)) {
                flush(word, out);
            } else if (tokenizeChineseChars && isChinese(cp)) {
                flush(word, out);
                out.add(new String(Character.toChars(cp)));
            } else {
                word.appendCodePoint(cp);
            }
        }
        flush(word, out);
        return out;
    }

    private void flush(StringBuilder word, List<String> out) {
        if (word.length() == 0) return;
        String w = word.toString();
        word.setLength(0);
        if (lowercase) w = w.toLowerCase(Locale.ROOT);
        if (stripAccents) w = stripAccents(w);
        // split on punctuation; each punctuation char is its own token
        int start = 0;
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            int len = Character.charCount(cp);
            if (isPunctuation(cp)) {
                if (i > start) out.add(w.substring(start, i));
                out.add(w.substring(i, i + len));
                start = i + len;
            } else if (isPythonSpace(cp)) { // lower-casing/NFD never creates spaces, but keep split() semantics
                if (i > start) out.add(w.substring(start, i));
                start = i + len;
            }
            i += len;
        }
        if (start < w.length()) out.add(w.substring(start));
    }

    static String stripAccents(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) { ascii = false; break; }
        if (ascii) return s;
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) sb.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /** _is_whitespace: space, tab, newline, CR, or category Zs. */
    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) ==
                Character.SPACE_SEPARATOR;
    }

    /** Characters Python's str.split() also splits on that survive cleaning (line/paragraph separators). */
    private static boolean isPythonSpace(int cp) {
        return cp == 0x2028 || cp == 0x2029;
    }

    /** _is_control: category C* except tab, newline and CR. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE || t == Character.UNASSIGNED;
    }

    /** _is_punctuation: ASCII non-alphanumeric symbols, or category P*. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
            return true;
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION || t ==
                Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION || t == Character.OTHER_PUNCTUATION;
    }

    /** _is_chinese_char: the CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana). */
    static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <=
                        0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
