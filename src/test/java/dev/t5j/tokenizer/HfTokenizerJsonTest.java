package dev.t5j.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * tokenizer.json files laid out as HF's T5TokenizerFast / BertTokenizerFast write them (built here from the real
 * spiece.model and vocab.txt, since no public copy of the exact files could be fetched) load into vocabularies that
 * tokenize exactly like the originals.
 */
class HfTokenizerJsonTest {
    @TempDir
    Path dir;

    /** The T5 tokenizer.json structure: Precompiled normalizer, WhitespaceSplit+Metaspace, sentinels in the vocab. */
    private Path t5Json() throws Exception {
        SentencePieceModel m = SentencePieceModel.load(TestData.t5Model());
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        ArrayNode vocab = Json.MAPPER.createArrayNode();
        for (int i = 0; i < m.size(); i++) {
            vocab.addArray().add(m.pieces()[i]).add(m.scores()[i]);
            if (m.types()[i] == SentencePieceModel.CONTROL || m.types()[i] == SentencePieceModel.UNKNOWN)
                added.addObject().put("id", i).put("content", m.pieces()[i]).put("special", true);
        }
        for (int i = 0; i < 100; i++) {
            int id = m.size() + i;
            String s = "<extra_id_" + (99 - i) + ">";
            vocab.addArray().add(s).add(0.0);
            added.addObject().put("id", id).put("content", s).put("special", true);
        }
        root.putObject("normalizer").put("type", "Precompiled")
                .put("precompiled_charsmap", Base64.getEncoder().encodeToString(m.normalizerSpec()
                        .precompiledCharsmap()));
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode pts = pre.putArray("pretokenizers");
        pts.addObject().put("type", "WhitespaceSplit");
        pts.addObject().put("type", "Metaspace").put("replacement", "\u2581").put("add_prefix_space", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram").put("unk_id", 2).set("vocab", vocab);
        Path p = dir.resolve("tokenizer.json");
        Files.writeString(p, Json.write(root));
        return p;
    }

    @Test
    void t5TokenizerJsonEncodesLikeTheSentencePieceModel() throws Exception {
        Vocabulary v = Vocabularies.load(t5Json(), 100);
        SentencePieceVocabulary ref = SentencePieceVocabulary.t5(TestData.t5Model());
        assertInstanceOf(SentencePieceVocabulary.class, v);
        assertEquals(32100, v.vocabSize());
        assertEquals(100, v.extraIds());
        assertEquals(32099, v.sentinelId(0));
        for (String t : TestData.wikiTexts()) assertArrayEquals(ref.encode(t), v.encode(t));
        String s = "<pad> Today is <unk> nice day </s> <extra_id_7>";
        assertArrayEquals(ref.encode(s), v.encode(s));
    }

    @Test
    void bertTokenizerJsonEncodesLikeVocabTxt() throws Exception {
        List<String> lines = Files.readAllLines(TestData.resource("bert/vocab.txt"));
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars",
                true)
                .putNull("strip_accents").put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode model = root.putObject("model").put("type", "WordPiece").put("unk_token", "[UNK]")
                .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < lines.size(); i++) vocab.put(lines.get(i), i);
        Path p = dir.resolve("bert-tokenizer.json");
        Files.writeString(p, Json.write(root));
        Vocabulary v = Vocabularies.load(p, 0);
        WordPieceVocabulary ref = WordPieceVocabulary.load(TestData.resource("bert/vocab.txt"));
        for (String t : TestData.wikiTexts().subList(0, 50)) assertArrayEquals(ref.encode(t), v.encode(t));
    }

    @Test
    void unsupportedModelsAreUserErrorsNamingTheField() throws Exception {
        Path p = dir.resolve("bpe.json");
        Files.writeString(p, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}}");
        UserError e = assertThrows(UserError.class, () -> Vocabularies.load(p, 0));
        assertTrue(e.getMessage().contains("model.type") && e.getMessage().contains("BPE")
                && e.getMessage().contains(p.toString()), e.getMessage());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", 0.0]], \"unk_id\": 5}}");
        UserError e2 = assertThrows(UserError.class, () -> Vocabularies.load(bad, 0));
        assertTrue(e2.getMessage().contains("model.unk_id"), e2.getMessage());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"model\": ");
        assertThrows(UserError.class, () -> Vocabularies.load(broken, 0));
    }
}
