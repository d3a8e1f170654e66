package dev.t5j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** T5 conventions on the real T5 vocabulary, checked against the reference tokenizations (see t5/SOURCE.md). */
class SentencePieceVocabularyTest {
    static SentencePieceVocabulary t5;

    @BeforeAll
    static void load() {
        t5 = SentencePieceVocabulary.t5(TestData.t5Model());
    }

    @Test
    void idsAndSizesFollowT5() {
        assertEquals(32100, t5.vocabSize());
        assertEquals(0, t5.padId());
        assertEquals(1, t5.eosId());
        assertEquals(2, t5.unkId());
        assertEquals(100, t5.extraIds());
        assertEquals(32099, t5.sentinelId(0));
        assertEquals(32000, t5.sentinelId(99));
        assertEquals("<extra_id_0>", t5.idToPiece(32099));
        assertEquals(32099, t5.pieceToId("<extra_id_0>"));
        assertEquals(32000, t5.pieceToId("<extra_id_99>"));
    }

    @Test
    void reproducesEveryReferenceTokenization() {
        JsonNode root = Json.read(TestData.resource("t5/t5_reference_tokenizations.json"));
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            String text = c.get("text").asText();
            boolean addEos = c.get("add_special_tokens").asBoolean();
            String note = c.path("note").asText("");
            SentencePieceVocabulary v = note.contains("add_prefix_space=False") ? t5.withAddPrefixSpace(false) : t5;
            int[] expected = toInts(c.get("ids"));
            assertArrayEquals(expected, v.encode(text, addEos), "ids of " + text);
            if (c.has("tokens")) {
                List<String> tokens = new ArrayList<>(v.encodeAsPieces(text));
                if (addEos) tokens.add("</s>");
                List<String> want = new ArrayList<>();
                c.get("tokens").forEach(t -> want.add(t.asText()));
                assertEquals(want, tokens);
            }
            if (c.has("decoded")) {
                String want = c.get("decoded").asText();
                // the HF rendering keeps special tokens when the reference shows them
                boolean keep = want.contains("</s>");
                assertEquals(want, keep ? v.decode(expected, true) : v.decode(expected), "decode of " + text);
            }
            checked++;
        }
        assertEquals(11, checked);
    }

    private static int[] toInts(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    @Test
    void sentinelsInTextEncodeToTheirIds() {
        int[] ids = t5.encode("The <extra_id_0> walks in <extra_id_1> park");
        assertEquals(37, ids[0]);
        assertEquals(32099, ids[1]);
        assertTrue(java.util.Arrays.stream(ids).anyMatch(i -> i == 32098));
        assertEquals("The<extra_id_0> walks in<extra_id_1> park", t5.decode(ids, true));
        assertEquals("The walks in park", t5.decode(ids, false));
        // a sentinel beyond the configured count is ordinary text
        SentencePieceVocabulary none = new SentencePieceVocabulary(t5.processor(), 0);
        assertTrue(none.encode("<extra_id_0>").length > 3);
    }

    @Test
    void decodeStopsAtEosAndDropsPaddingLikeSeqio() {
        int[] hello = t5.encode("Hello world", true);
        int[] padded = new int[hello.length + 3];
        System.arraycopy(hello, 0, padded, 0, hello.length);
        padded[hello.length] = 8774; // after EOS: ignored
        assertEquals("Hello world", t5.decode(padded));
        assertEquals("Hello world", t5.decode(new int[] {8774, 0, 0, 296}), "padding vanishes");
        assertEquals(" \u2047 ", t5.decode(new int[] {32127}), "ids past the vocabulary decode as unk (seqio)");
        assertThrows(IllegalArgumentException.class, () -> t5.decode(new int[] {-1}));
    }

    @Test
    void explicitEosIsNotDoubled() {
        int[] ids = t5.encode("Summary of the text. </s>", true);
        assertEquals(1, ids[ids.length - 1]);
        assertEquals(5, ids[ids.length - 2]);
        assertEquals(t5.encode("Summary of the text.", true).length, ids.length);
    }

    @Test
    void concurrentEncodingGivesTheSameIds() throws Exception {
        List<String> texts = TestData.wikiTexts();
        List<int[]> expected = new ArrayList<>();
        for (String t : texts) expected.add(t5.encode(t));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> fs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                final int shift = k * 37;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < texts.size(); i++) {
                        int j = (i + shift) % texts.size();
                        if (!java.util.Arrays.equals(expected.get(j), t5.encode(texts.get(j)))) return false;
                    }
                    return true;
                }));
            }
            for (var f : fs) assertTrue(f.get());
        } finally {
            pool.shutdown();
        }
    }
}
