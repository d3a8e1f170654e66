package dev.t5j.tokenizer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT WordPiece (uncased for Contriever): {@link BertBasicTokenizer} then greedy longest-match-first WordPiece with
 * {@code ##} continuations; a word longer than {@code maxInputCharsPerWord} characters, or one that cannot be covered,
 * becomes {@code [UNK]}. Also builds model inputs ({@code [CLS]}/{@code [SEP]}, pairs, truncation, padding, masks).
 *
 * <p>As a {@link Vocabulary}: pad = {@code [PAD]}, eos = {@code [SEP]}, unk = {@code [UNK]}; {@link #encode} gives the
 * bare WordPiece ids (no {@code [CLS]}/{@code [SEP]}). Immutable and thread-safe.
 */
public final class WordPieceVocabulary implements Vocabulary {
    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final BertBasicTokenizer basic;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final int unk, pad, cls, sep, mask;

    public WordPieceVocabulary(List<String> vocab, BertBasicTokenizer basic, String unkToken, String continuingPrefix,
                               int maxInputCharsPerWord) {
        tokens = vocab.toArray(new String[0]);
        ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) ids.putIfAbsent(tokens[i], i);
        this.basic = basic;
        this.prefix = continuingPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        Integer u = ids.get(unkToken);
        if (u == null) throw new IllegalArgumentException("the vocabulary has no unknown token " + unkToken);
        unk = u;
        pad = ids.getOrDefault("[PAD]", 0);
        cls = ids.getOrDefault("[CLS]", -1);
        sep = ids.getOrDefault("[SEP]", -1);
        mask = ids.getOrDefault("[MASK]", -1);
    }

    /** Loads a BERT {@code vocab.txt} (one token per line, id = line number - 1) with uncased basic tokenization. */
    public static WordPieceVocabulary load(Path vocabTxt) {
        return load(vocabTxt, BertBasicTokenizer.uncased());
    }

    public static WordPieceVocabulary load(Path vocabTxt, BertBasicTokenizer basic) {
        byte[] data;
        try {
            data = Files.readAllBytes(vocabTxt);
        } catch (NoSuchFileException e) {
            throw new UserError(vocabTxt + ": file not found");
        } catch (IOException e) {
            throw new UserError(vocabTxt + ": cannot read: " + e.getMessage(), e);
        }
        List<String> vocab = new ArrayList<>();
        int lineNo = 0, start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n') {
                if (i == data.length && i == start) break;
                lineNo++;
                int end = i;
                if (end > start && data[end - 1] == '\r') end--;
                try {
                    String tok = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(data, start, end - start)).toString();
                    vocab.add(tok.strip());
                } catch (CharacterCodingException e) {
                    throw UserError.at(vocabTxt, lineNo, null, "invalid UTF-8");
                }
                start = i + 1;
            }
        }
        if (vocab.isEmpty()) throw new UserError(vocabTxt + ": empty vocabulary");
        try {
            return new WordPieceVocabulary(vocab, basic, "[UNK]", "##", 100);
        } catch (IllegalArgumentException e) {
            throw new UserError(vocabTxt + ": " + e.getMessage());
        }
    }

    /** WordPiece tokens of {@code text}. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        IntList idsOut = new IntList();
        wordPiece(text, idsOut, out);
        return out;
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 4 + 4);
        wordPiece(text, out, null);
        return out.toArray();
    }

    private void wordPiece(String text, IntList outIds, List<String> outTokens) {
        StringBuilder sb = new StringBuilder();
        for (String word : basic.tokenize(text)) {
            int nChars = word.codePointCount(0, word.length());
            if (nChars > maxInputCharsPerWord) {
                emit(unk, outIds, outTokens);
                continue;
            }
            int mark = outIds.size();
            int markTok = outTokens == null ? 0 : outTokens.size();
            boolean bad = false;
            int start = 0, len = word.length();
            while (start < len) {
                int end = len;
                int found = -1;
                while (start < end) {
                    String sub;
                    if (start > 0) {
                        sb.setLength(0);
                        sb.append(prefix).append(word, start, end);
                        sub = sb.toString();
                    } else {
                        sub = end == len ? word : word.substring(0, end);
                    }
                    Integer id = ids.get(sub);
                    if (id != null) {
                        found = id;
                        break;
                    }
                    end = word.offsetByCodePoints(end, -1); // shrink by one character, never split a surrogate pair
                }
                if (found < 0) {
                    bad = true;
                    break;
                }
                emit(found, outIds, outTokens);
                start = end;
            }
            if (bad) { // the whole word becomes [UNK]
                while (outIds.size() > mark) truncate(outIds);
                if (outTokens != null) while (outTokens.size() > markTok) outTokens.remove(outTokens.size() - 1);
                emit(unk, outIds, outTokens);
            }
        }
    }

    private static void truncate(IntList l) {
        // IntList has no remove; rebuild is rare (only for uncoverable words)
        int[] a = l.toArray();
        l.clear();
        for (int i = 0; i < a.length - 1; i++) l.add(a[i]);
    }

    private void emit(int id, IntList outIds, List<String> outTokens) {
        outIds.add(id);
        if (outTokens != null) outTokens.add(tokens[id]);
    }

    /**
     * {@code [CLS] a [SEP]} or {@code [CLS] a [SEP] b [SEP]} truncated to {@code maxLength} by removing tokens from
     * the end of the longer text first (HF "longest_first"), then padded to {@code maxLength} when {@code pad}.
     */
    public BertEncoding encodeForModel(String a, String b, int maxLength, boolean pad) {
        if (cls < 0 || sep < 0) throw new IllegalStateException("the vocabulary has no [CLS]/[SEP]");
        int[] ia = encode(a);
        int[] ib = b == null ? null : encode(b);
        int special = ib == null ? 2 : 3;
        if (maxLength < special) throw new IllegalArgumentException("maxLength " + maxLength + " < " + special);
        int la = ia.length, lb = ib == null ? 0 : ib.length;
        while (la + lb + special > maxLength) {
            if (la > lb) la--;
            else lb--;
        }
        int len = la + lb + special;
        int total = pad ? maxLength : len;
        int[] input = new int[total], types = new int[total], attention = new int[total];
        int k = 0;
        input[k++] = cls;
        for (int i = 0; i < la; i++) input[k++] = ia[i];
        input[k++] = sep;
        if (ib != null) {
            for (int i = 0; i < lb; i++) {
                types[k] = 1;
                input[k++] = ib[i];
            }
            types[k] = 1;
            input[k++] = sep;
        }
        for (int i = 0; i < len; i++) attention[i] = 1;
        for (int i = len; i < total; i++) input[i] = this.pad;
        return new BertEncoding(input, types, attention);
    }

    /** A batch of single texts, truncated to {@code maxLength} and padded to the longest in the batch. */
    public List<BertEncoding> encodeBatch(List<String> texts, int maxLength) {
        List<BertEncoding> raw = new ArrayList<>(texts.size());
        int longest = 0;
        for (String t : texts) {
            BertEncoding e = encodeForModel(t, null, maxLength, false);
            raw.add(e);
            longest = Math.max(longest, e.length());
        }
        List<BertEncoding> out = new ArrayList<>(raw.size());
        for (BertEncoding e : raw) out.add(padTo(e, longest));
        return out;
    }

    private BertEncoding padTo(BertEncoding e, int len) {
        if (e.length() == len) return e;
        int[] in = Arrays.copyOf(e.inputIds(), len), ty = Arrays.copyOf(e.tokenTypeIds(), len),
                at = Arrays.copyOf(e.attentionMask(), len);
        for (int i = e.length(); i < len; i++) in[i] = pad;
        return new BertEncoding(in, ty, at);
    }

    /** Joins tokens, gluing {@code ##} pieces to the previous one; drops [CLS]/[SEP]/[PAD] (and stops at nothing). */
    @Override
    public String decode(int[] idList) {
        StringBuilder sb = new StringBuilder();
        for (int id : idList) {
            if (id < 0 || id >= tokens.length) throw new IllegalArgumentException("id " + id + " out of range [0, "
                    + tokens.length + ")");
            if (id == pad || id == cls || id == sep) continue;
            String t = tokens[id];
            if (t.startsWith(prefix)) sb.append(t, prefix.length(), t.length());
            else {
                if (sb.length() > 0) sb.append(' ');
                sb.append(t);
            }
        }
        return sb.toString();
    }

    public String idToToken(int id) {
        return tokens[id];
    }

    public int tokenToId(String token) {
        return ids.getOrDefault(token, unk);
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public int eosId() {
        return sep;
    }

    @Override
    public int unkId() {
        return unk;
    }

    public int clsId() {
        return cls;
    }

    public int sepId() {
        return sep;
    }

    public int maskId() {
        return mask;
    }
}
