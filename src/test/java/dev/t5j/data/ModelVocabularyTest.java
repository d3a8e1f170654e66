package dev.t5j.data;

import dev.t5j.common.UserError;
import dev.t5j.model.io.TokenizerFiles;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import dev.t5j.tokenizer.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 14: the tokenizer a model folder carries round-trips, and the folder holds only one. */
class ModelVocabularyTest {
    static final Path SPIECE = Path.of("src/test/resources/tokenizer/t5/spiece.model");
    static final String TEXT = "Translate English to German: That is good. <extra_id_0> 123";

    static void assertSameEncoding(Vocabulary want, Vocabulary got, String text) {
        assertEquals(want.vocabSize(), got.vocabSize());
        assertEquals(want.extraIds(), got.extraIds());
        int[] ids = want.encode(text);
        assertArrayEquals(ids, got.encode(text));
        assertEquals(want.decode(ids), got.decode(ids));
    }

    @Test
    void byteAndBuiltInVocabulariesRoundTripThroughT5jVocabJson(@TempDir Path tmp) throws Exception {
        ModelVocabulary.save(tmp, new ByteVocabulary(7), null);
        assertTrue(Files.isRegularFile(tmp.resolve(TokenizerFiles.T5J_VOCAB)));
        assertSameEncoding(new ByteVocabulary(7), ModelVocabulary.load(tmp), "héllo <extra_id_3>");
        SimpleVocabulary simple = new SimpleVocabulary();
        ModelVocabulary.save(tmp, simple, null);
        assertSameEncoding(simple, ModelVocabulary.load(tmp), "reverse t1 t200 copy 12 <extra_id_0>");
    }

    @Test
    void aT5jVocabJsonIsADataVocabulary(@TempDir Path tmp) throws Exception {
        SimpleVocabulary simple = new SimpleVocabulary();
        ModelVocabulary.save(tmp, simple, null);
        // data.vocab / --vocab may name it (t5j adapters demo tokenizes its task files with the synthetic tasks' ids)
        assertSameEncoding(simple, DataVocabularies.resolve(tmp.resolve(TokenizerFiles.T5J_VOCAB).toString()),
                "majority sentence t3 t40 t67");
    }

    @Test
    void sentencePieceIsCopiedOrSerialisedAsSpieceModelAndReplacesOtherFiles(@TempDir Path tmp) throws Exception {
        SentencePieceVocabulary sp = SentencePieceVocabulary.t5(SPIECE);
        ModelVocabulary.save(tmp, new ByteVocabulary(), null);
        ModelVocabulary.save(tmp, sp, SPIECE);
        assertArrayEquals(Files.readAllBytes(SPIECE), Files.readAllBytes(tmp.resolve(TokenizerFiles.SPIECE)));
        assertFalse(Files.exists(tmp.resolve(TokenizerFiles.T5J_VOCAB)), "the stale byte vocabulary is removed");
        assertSameEncoding(sp, ModelVocabulary.load(tmp), TEXT);
        Path other = tmp.resolve("other");
        ModelVocabulary.save(other, sp, null); // no source file: serialised from the loaded model
        assertSameEncoding(sp, ModelVocabulary.load(other), TEXT);
    }

    @Test
    void overrideWinsAndAMissingTokenizerIsAUserError(@TempDir Path tmp) throws Exception {
        assertNull(ModelVocabulary.load(tmp));
        UserError notModel = assertThrows(UserError.class, () -> ModelVocabulary.resolve(tmp, null));
        assertTrue(notModel.getMessage().contains("not a model folder"), notModel.getMessage());
        Files.writeString(tmp.resolve("config.json"), "{}"); // a model folder without a tokenizer
        UserError e = assertThrows(UserError.class, () -> ModelVocabulary.resolve(tmp, null));
        assertTrue(e.getMessage().contains("--vocab") && e.getMessage().contains(tmp.toString()), e.getMessage());
        assertInstanceOf(ByteVocabulary.class, ModelVocabulary.resolve(tmp, "byte"));
        ModelVocabulary.save(tmp, new ByteVocabulary(), null);
        assertInstanceOf(SentencePieceVocabulary.class, ModelVocabulary.resolve(tmp, SPIECE.toString()));
        Files.writeString(tmp.resolve(TokenizerFiles.T5J_VOCAB), "{\"format\":\"t5j-vocabulary\",\"type\":\"words\"}");
        UserError bad = assertThrows(UserError.class, () -> ModelVocabulary.load(tmp));
        assertTrue(bad.getMessage().contains("type") && bad.getMessage().contains("byte, pieces"), bad.getMessage());
    }
}
