package dev.t5j.data;

import dev.t5j.tokenizer.Vocabulary;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte-level vocabulary (ByT5-style) so the data pipeline works without SentencePiece: PAD 0, EOS 1, UNK 2, UTF-8
 * byte {@code b} → {@code b + 3}, then {@code extraIds} sentinels at the top ({@code <extra_id_0>} = vocabSize−1).
 * Decoding stops at the first EOS, drops padding and renders sentinels as {@code <extra_id_N>}.
 */
public final class ByteVocabulary implements Vocabulary {
    public static final int OFFSET = 3;
    private final int extraIds;

    public ByteVocabulary(int extraIds) {
        if (extraIds < 0) throw new IllegalArgumentException("extraIds < 0");
        this.extraIds = extraIds;
    }

    /** 100 extra ids, like T5. */
    public ByteVocabulary() {
        this(100);
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = (b[i] & 0xff) + OFFSET;
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id == eosId()) break;
            if (id == padId()) continue;
            if (id >= OFFSET && id < OFFSET + 256) {
                bytes.write(id - OFFSET);
                continue;
            }
            sb.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.reset();
            int sentinel = vocabSize() - 1 - id;
            if (id >= OFFSET + 256 && id < vocabSize()) sb.append("<extra_id_").append(sentinel).append('>');
            else sb.append("<unk>");
        }
        sb.append(bytes.toString(StandardCharsets.UTF_8));
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return OFFSET + 256 + extraIds;
    }

    @Override
    public int extraIds() {
        return extraIds;
    }

    @Override
    public String toString() {
        return "ByteVocabulary(extra_ids=" + extraIds + ")";
    }
}
