package dev.t5j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** BERT-uncased WordPiece against the 2,000 reference SQuAD tokenizations (see bert/SOURCE.md). */
class WordPieceVocabularyTest {
    static WordPieceVocabulary bert;

    @BeforeAll
    static void load() {
        bert = WordPieceVocabulary.load(TestData.resource("bert/vocab.txt"));
    }

    @Test
    void specialIdsOfBertUncased() {
        assertEquals(30522, bert.vocabSize());
        assertEquals(0, bert.padId());
        assertEquals(100, bert.unkId());
        assertEquals(101, bert.clsId());
        assertEquals(102, bert.sepId());
        assertEquals(103, bert.maskId());
    }

    @Test
    void reproducesAll2000ReferenceTokenizations() {
        JsonNode questions = Json.read(TestData.resource("bert/question_tokens.json"));
        JsonNode idLists = Json.read(TestData.resource("bert/tokenized_questions.json"));
        assertEquals(2000, questions.size());
        assertEquals(2000, idLists.size());
        BertBasicTokenizer basic = BertBasicTokenizer.uncased();
        for (int i = 0; i < questions.size(); i++) {
            JsonNode q = questions.get(i);
            String text = q.get("original").asText();
            assertEquals(strings(q.get("basic")), basic.tokenize(text), "basic tokens of question " + i + ": " + text);
            assertEquals(strings(q.get("wordpiece")), bert.tokenize(text), "wordpieces of question " + i + ": " + text);
            JsonNode idj = idLists.get(i);
            int[] want = new int[idj.size()];
            for (int k = 0; k < want.length; k++) want[k] = idj.get(k).asInt();
            assertArrayEquals(want, bert.encode(text), "ids of question " + i);
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    @Test
    void basicTokenizationRules() {
        BertBasicTokenizer b = BertBasicTokenizer.uncased();
        assertEquals(List.of("hello", "!", "how", "are", "you", "?"), b.tokenize(" \tHeLLo!How  \n Are yoU?  "));
        assertEquals(List.of("hello"), b.tokenize("H\u00e9llo".replace("\u00e9", "e\u0301")));
        assertEquals(List.of("cafe", "naive"), b.tokenize("Café naïve"));
        assertEquals(List.of("ab"), b.tokenize("a\u0000b\u200b".replace("\u200b", "")), "NUL dropped");
        assertEquals(List.of("x", "y"), b.tokenize("x\u00a0y"), "no-break space is whitespace");
        assertEquals(List.of("我", "爱", "ai"), b.tokenize("我爱AI"));
        assertEquals(List.of("$", "5", "-", "6£"), b.tokenize("$5-6£"), "£ is a currency symbol (Sc), not punctuation");
        assertEquals(List.of("ab"), b.tokenize("a\u0007b"), "control characters are removed");
    }

    @Test
    void wordPieceGreedyLongestMatchAndUnk() {
        assertEquals(List.of("una", "##ffa", "##ble"), bert.tokenize("unaffable"), "greedy longest match first");
        assertEquals(List.of("[UNK]"), bert.tokenize("a".repeat(101)), "over 100 characters");
        org.junit.jupiter.api.Assertions.assertNotEquals(List.of("[UNK]"), bert.tokenize("a".repeat(100)),
                "100 characters is still allowed");
        assertEquals(List.of("[UNK]"), bert.tokenize("\u2603\u2603\u2603x\u2603"),
                "a word that cannot be covered is one [UNK]");
        assertEquals("unaffable", bert.decode(bert.encode("unaffable")));
    }

    @Test
    void pairsTruncationPaddingAndMasks() {
        BertEncoding e = bert.encodeForModel("hello world", "how are you", 16, true);
        assertEquals(16, e.length());
        assertArrayEquals(new int[] {101, 7592, 2088, 102, 2129, 2024, 2017, 102, 0, 0, 0, 0, 0, 0, 0, 0},
                e.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, e.tokenTypeIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, e.attentionMask());
        BertEncoding t = bert.encodeForModel("one two three four five", "six", 7, false);
        // longest_first: tokens are removed from the longer text until [CLS] a [SEP] b [SEP] fits
        assertArrayEquals(new int[] {101, 2028, 2048, 2093, 102, 2416, 102}, t.inputIds());
        List<BertEncoding> batch = bert.encodeBatch(List.of("a", "a b c"), 512);
        assertEquals(5, batch.get(0).length());
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, batch.get(0).attentionMask());
    }
}
