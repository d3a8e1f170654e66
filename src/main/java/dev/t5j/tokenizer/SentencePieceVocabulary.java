package dev.t5j.tokenizer;

import java.util.HashSet;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A SentencePiece model with T5's conventions: {@code extraIds} sentinels {@code <extra_id_0>} = size+extraIds-1
 * counting down to {@code <extra_id_N-1>} = size (32099..32000 for the T5 vocabulary), and special-token strings
 * (sentinels and the model's control/unknown pieces, e.g. {@code </s>}, {@code <pad>}, {@code <unk>}) in text
 * encoding to their ids, as the Hugging Face T5 tokenizers do. Each stretch of text between special tokens is encoded
 * by SentencePiece on its own.
 *
 * <p>Immutable and thread-safe.
 */
public final class SentencePieceVocabulary implements Vocabulary {
    /** T5's number of sentinels. */
    public static final int T5_EXTRA_IDS = 100;

    private final SentencePieceProcessor sp;
    private final int extraIds;
    private final ByteTrie specials; // special-token strings → ids
    private final int padId;

    public SentencePieceVocabulary(SentencePieceProcessor sp, int extraIds) {
        if (extraIds < 0) throw new IllegalArgumentException("extraIds must be >= 0");
        this.sp = sp;
        this.extraIds = extraIds;
        List<byte[]> keys = new ArrayList<>();
        IntList ids = new IntList();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < sp.pieceSize(); i++) {
            if (sp.isControl(i) || sp.isUnknown(i)) {
                keys.add(sp.idToPiece(i).getBytes(StandardCharsets.UTF_8));
                ids.add(i);
                seen.add(sp.idToPiece(i));
            }
        }
        for (int n = 0; n < extraIds; n++) {
            String s = sentinel(n);
            if (seen.add(s)) {
                keys.add(s.getBytes(StandardCharsets.UTF_8));
                ids.add(sp.pieceSize() + extraIds - 1 - n);
            }
        }
        this.specials = ByteTrie.build(keys, ids.toArray());
        this.padId = sp.padId() >= 0 ? sp.padId() : 0; // seqio: PAD_ID = 0 when the model has none
    }

    /** Loads a {@code .model} file with {@code extraIds} sentinels. */
    public static SentencePieceVocabulary load(Path model, int extraIds) {
        return new SentencePieceVocabulary(SentencePieceProcessor.load(model), extraIds);
    }

    /** The T5 setup: the model plus 100 sentinels. */
    public static SentencePieceVocabulary t5(Path model) {
        return load(model, T5_EXTRA_IDS);
    }

    public static String sentinel(int n) {
        return "<extra_id_" + n + ">";
    }

    public SentencePieceProcessor processor() {
        return sp;
    }

    /** The same vocabulary with the dummy-prefix space switched (HF's {@code add_prefix_space}). */
    public SentencePieceVocabulary withAddPrefixSpace(boolean v) {
        return new SentencePieceVocabulary(sp.withAddDummyPrefix(v), extraIds);
    }

    /** The same vocabulary with another Unigram tie rule ({@link UnigramTies}; default sentencepiece 0.2). */
    public SentencePieceVocabulary withTies(UnigramTies t) {
        return new SentencePieceVocabulary(sp.withTies(t), extraIds);
    }

    @Override
    public int vocabSize() {
        return sp.pieceSize() + extraIds;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public int eosId() {
        return sp.eosId();
    }

    @Override
    public int unkId() {
        return sp.unkId();
    }

    @Override
    public int extraIds() {
        return extraIds;
    }

    private boolean isSentinel(int id) {
        return id >= sp.pieceSize() && id < vocabSize();
    }

    /** True for ids that are not text: control pieces (pad/eos/bos), the unknown piece and sentinels. */
    public boolean isSpecial(int id) {
        return isSentinel(id) || sp.isControl(id) || sp.isUnknown(id);
    }

    public String idToPiece(int id) {
        if (id < 0 || id >= vocabSize()) throw new IllegalArgumentException("id " + id + " out of range [0, "
                + vocabSize() + ")");
        return isSentinel(id) ? sentinel(sp.pieceSize() + extraIds - 1 - id) : sp.idToPiece(id);
    }

    /** Id of a piece or special-token string; the unknown id when absent. */
    public int pieceToId(String piece) {
        byte[] b = piece.getBytes(StandardCharsets.UTF_8);
        int id = specials.get(b, 0, b.length);
        return id >= 0 ? id : sp.pieceToId(piece);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        encode(text, out, null);
        return out.toArray();
    }

    /** As {@link #encode(String)}, then appends EOS unless the text already ended with it (HF's add_special_tokens). */
    public int[] encode(String text, boolean addEos) {
        IntList out = new IntList(text.length() / 3 + 4);
        encode(text, out, null);
        if (addEos && (out.size() == 0 || out.last() != eosId())) out.add(eosId());
        return out.toArray();
    }

    public List<String> encodeAsPieces(String text) {
        List<String> ps = new ArrayList<>();
        encode(text, new IntList(), ps);
        return ps;
    }

    /** Appends ids (and pieces when {@code pieces} is not null) of {@code text}. */
    public void encode(CharSequence text, IntList out, List<String> pieces) {
        byte[] b = Utf8.encode(text);
        encodeUtf8(b, 0, b.length, out, pieces);
    }

    public void encodeUtf8(byte[] b, int from, int to, IntList out, List<String> pieces) {
        int segStart = from;
        for (int i = from; i < to; ) {
            int m = specials.longestPrefix(b, i, to);
            if (m == 0) {
                i++;
                continue;
            }
            if (i > segStart) sp.encodeUtf8(b, segStart, i, out, pieces);
            int id = specials.get(b, i, i + m);
            out.add(id);
            if (pieces != null) pieces.add(idToPiece(id));
            i += m;
            segStart = i;
        }
        if (segStart < to) sp.encodeUtf8(b, segStart, to, out, pieces);
    }

    /**
     * seqio's decode: stops at the first EOS, drops padding, maps ids beyond the vocabulary to unk, and renders the
     * rest without special tokens (see {@link #decode(int[], boolean)}).
     */
    @Override
    public String decode(int[] ids) {
        int end = ids.length;
        int eos = eosId();
        for (int i = 0; i < ids.length; i++) if (ids[i] == eos) {
            end = i;
            break;
        }
        return decode(Arrays.copyOf(ids, end), false);
    }

    /**
     * Decodes all ids. {@code keepSpecial=false}: control pieces and sentinels vanish, unknown renders as " ⁇ "
     * (sentencepiece's DecodeIds). {@code keepSpecial=true}: special tokens are written out as their strings, the
     * text between them decoded by SentencePiece, each word keeping its leading space as HF's fast T5 tokenizer does
     * ("<pad> Today is<unk> nice day</s>").
     */
    public String decode(int[] ids, boolean keepSpecial) {
        IntList run = new IntList(ids.length);
        if (!keepSpecial) {
            for (int id : ids) {
                id = clean(id);
                if (!isSentinel(id)) run.add(id);
            }
            return sp.decode(run.toArray());
        }
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            id = clean(id);
            if (isSpecial(id)) {
                flush(run, out);
                out.append(idToPiece(id));
            } else {
                run.add(id);
            }
        }
        flush(run, out);
        return out.toString();
    }

    /** A run of text pieces after earlier output keeps its leading space (HF's Metaspace decoder). */
    private void flush(IntList run, StringBuilder out) {
        if (run.size() == 0) return;
        String t = sp.decode(run.toArray());
        if (out.length() > 0 && sp.idToPiece(run.get(0)).startsWith("\u2581") && !t.startsWith(" ")) out.append(' ');
        out.append(t);
        run.clear();
    }

    private int clean(int id) {
        if (id < 0) throw new IllegalArgumentException("negative id " + id);
        return id >= vocabSize() ? unkId() : id;
    }
}
