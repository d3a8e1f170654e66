package dev.t5j.synth;

import dev.t5j.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in small vocabulary for synthetic tasks when no T5 vocabulary is given, small enough (a few hundred ids)
 * for
 * tiny test models.
 *
 * <p>Layout, mirroring T5's: {@code 0 <pad>}, {@code 1 </s>}, {@code 2 <unk>}; then fixed word pieces (the task names,
 * "yes"/"no", digits, letters, punctuation and the words of the nonsense-summary outputs); then {@code poolSize}
 * content
 * tokens {@code t0..t(N-1)}, the ids the tasks sample; then {@code extraIds} sentinels with {@code <extra_id_0>} at the
 * top.
 *
 * <p>{@link #encode} splits on whitespace and maps each word to its piece, or else to the longest matching pieces from
 * left to right (so numbers are digit sequences and keywords such as {@code __d3__keyword_0__} are several pieces);
 * characters with no piece become {@code <unk>}. {@link #decode} joins pieces with spaces and is therefore not an exact
 * inverse for words that were split.
 */
public final class SimpleVocabulary implements Vocabulary {
    public static final int DEFAULT_POOL_SIZE = 256;
    public static final int DEFAULT_EXTRA_IDS = 32;

    /** Words that get one id each, in this order after the three special ids. */
    static final List<String> WORDS = List.of(
            // task-name prefixes (the reference uses the generator names)
            "copy", "reverse", "set", "first_char", "last_char", "deduplicate", "length", "longest_word", "duplicate",
            "count", "delete", "search", "sort", "replace", "union", "intersect", "set_1_minus_2", "set_2_minus_1",
            "yes", "no",
            // nonsense_summary output words and keyword parts
            "the", "The", "special", "word", "was", "found", "not", "keyword", "positive", "negative", "occurred",
            "more", "number", "of", "times", "above", "or", "equal", "to", "threshold", "below", "largest", "is",
            "combined", "sentence", "section", "class", "kw", "src", "target", "join", "bullet", "begin", "end",
                    "quote",
            "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "d16",
                    "d17",
            "d18", "d19", "d20", "d21",
            "__", "_", ".", ",", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u",
                    "v",
            "w", "x", "y", "z");

    private final int poolSize;  // 0 for a vocabulary read from a piece list
    private final int extraIds;
    private final String[] pieces;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int maxPieceLength;
    private final int firstContentId;
    private final int pad, eos, unk;

    public SimpleVocabulary() {
        this(DEFAULT_POOL_SIZE, DEFAULT_EXTRA_IDS);
    }

    public SimpleVocabulary(int poolSize, int extraIds) {
        if (poolSize < 68) throw new
                IllegalArgumentException("pool size must be at least 68 (LIME samples 68 distinct tokens), got "
                + poolSize);
        if (extraIds < 11) throw new
                IllegalArgumentException("need at least 11 extra ids (4 task markers + 7 LIME symbols), got "
                + extraIds);
        this.poolSize = poolSize;
        this.extraIds = extraIds;
        List<String> p = new ArrayList<>();
        p.add("<pad>");
        p.add("</s>");
        p.add("<unk>");
        p.addAll(WORDS);
        firstContentId = p.size();
        for (int i = 0; i < poolSize; i++) p.add("t" + i);
        for (int i = extraIds - 1; i >= 0; i--) p.add("<extra_id_" + i + ">");
        pieces = p.toArray(new String[0]);
        pad = 0;
        eos = 1;
        unk = 2;
        int maxLen = 0;
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i);
            maxLen = Math.max(maxLen, pieces[i].length());
        }
        maxPieceLength = maxLen;
    }

    /**
     * A vocabulary read from a plain piece list (one piece per line, e.g. a vocab.txt): pad, eos and unk are the
     * pieces {@code <pad>}, {@code </s>}, {@code <unk>} (ids 0, 1, 2 when absent); the extra ids are the trailing run
     * of pieces {@code <extra_id_N-1> .. <extra_id_0>}. Encoding works as for the built-in vocabulary.
     */
    public static SimpleVocabulary fromPieces(List<String> list) {
        return new SimpleVocabulary(list);
    }

    private SimpleVocabulary(List<String> list) {
        if (list.isEmpty()) throw new IllegalArgumentException("empty piece list");
        pieces = list.toArray(new String[0]);
        int maxLen = 0;
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(pieces[i], i);
            maxLen = Math.max(maxLen, pieces[i].length());
        }
        maxPieceLength = maxLen;
        int e = 0;
        while (e < pieces.length && pieces[pieces.length - 1 - e].equals("<extra_id_" + e + ">")) e++;
        extraIds = e;
        poolSize = 0;
        firstContentId = -1;
        pad = ids.getOrDefault("<pad>", 0);
        eos = ids.getOrDefault("</s>", 1);
        unk = ids.getOrDefault("<unk>", 2);
    }

    /** True for the built-in layout, whose content tokens form the default pool. */
    public boolean hasContentTokens() {
        return poolSize > 0;
    }

    /** The content ids the tasks sample from ({@code t0..t(N-1)}). */
    public int[] contentIds() {
        int[] out = new int[poolSize];
        for (int i = 0; i < poolSize; i++) out[i] = firstContentId + i;
        return out;
    }

    public String piece(int id) {
        return pieces[id];
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (String word : text.strip().split("\\s+")) {
            if (word.isEmpty()) continue;
            Integer whole = ids.get(word);
            if (whole != null) {
                out.add(whole);
                continue;
            }
            int pos = 0;
            while (pos < word.length()) {
                int found = -1, len = 0;
                for (int l = Math.min(maxPieceLength, word.length() - pos); l >= 1; l--) {
                    Integer id = ids.get(word.substring(pos, pos + l));
                    if (id != null && id != pad && id != eos && id != unk) {
                        found = id;
                        len = l;
                        break;
                    }
                }
                if (found < 0) {
                    out.add(unkId());
                    pos += Character.charCount(word.codePointAt(pos));
                } else {
                    out.add(found);
                    pos += len;
                }
            }
        }
        int[] a = new int[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return a;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id == eosId()) break;
            if (id == padId()) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(id >= 0 && id < pieces.length ? pieces[id] : "<unk>");
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int unkId() {
        return unk;
    }

    @Override
    public int extraIds() {
        return extraIds;
    }
}
