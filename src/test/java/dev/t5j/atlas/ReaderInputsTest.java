package dev.t5j.atlas;

import dev.t5j.engine.Tensors;
import dev.t5j.retrieval.Passage;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReaderInputsTest {
    static final String FORMAT = "{query} title: {title} context: {text}";

    @Test
    void eachPairIsRenderedTruncatedWithEosAndMissingPassagesAreALoneEos() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        Passage p = Passage.of("7", "Bermuda Triangle",
                "a loosely defined region of the North Atlantic Ocean where ships vanished");
        String q = "question: where is the bermuda triangle answer: <extra_id_0>";
        assertEquals(q + " title: Bermuda Triangle context: " + p.text(), ReaderInputs.render(FORMAT, q, p));
        ReaderInputs.Encoded e = ReaderInputs.encode(List.of(q, "question: x answer: <extra_id_0>"), List.of(List.of(p,
                p), List.of(p)), 2, FORMAT, v, 12);
        assertEquals(2, e.batch());
        assertEquals(2, e.n());
        assertEquals(12, e.length(), "rows are truncated to text_maxlength and padded to the longest");
        int[] full = v.encode(ReaderInputs.render(FORMAT, q, p));
        long[] row0 = Arrays.copyOfRange(e.ids(), 0, 12);
        for (int t = 0; t < 11; t++) assertEquals(full[t], row0[t]);
        assertEquals(v.eosId(), row0[11], "EOS kept at the end after truncation");
        long[] row3 = Arrays.copyOfRange(e.ids(), 36, 48);
        assertEquals(v.eosId(), row3[0], "a missing passage is the empty string: a lone </s>");
        long[] mask3 = Arrays.copyOfRange(e.mask(), 36, 48);
        assertEquals(1, Arrays.stream(mask3).sum());
    }

    @Test
    void labelsGetEosAndMinus100Padding() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        try (PointerScope s = new PointerScope()) {
            long[] got = Tensors.toLongs(ReaderInputs.labels(List.of("<extra_id_0> Paris",
                    "<extra_id_0> the Atlantic Ocean"), v, 16));
            int[] a = v.encode("<extra_id_0> Paris"), b = v.encode("<extra_id_0> the Atlantic Ocean");
            int len = b.length + 1;
            assertEquals(2 * len, got.length);
            assertEquals(32099, got[0], "<extra_id_0>");
            assertEquals(v.eosId(), got[a.length]);
            for (int t = a.length + 1; t < len; t++) assertEquals(-100, got[t]);
            assertEquals(v.eosId(), got[len + b.length]);
        }
    }

    @Test
    void withEosKeepsAnExistingEosAndTruncates() {
        assertArrayEquals(new int[]{5, 6, 1}, ReaderInputs.withEos(new int[]{5, 6, 1}, 1, 10));
        assertArrayEquals(new int[]{5, 1}, ReaderInputs.withEos(new int[]{5, 6, 7}, 1, 2));
        assertArrayEquals(new int[]{1}, ReaderInputs.withEos(new int[]{}, 1, 4));
    }
}
