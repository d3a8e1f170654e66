package dev.t5j.tokenizer;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Models trained by t5j load in the real sentencepiece library and encode there exactly as in t5j. */
class VocabTrainerTest {
    @TempDir
    Path dir;

    private Path corpus() throws Exception {
        Path p = dir.resolve("corpus.txt");
        Files.write(p, TestData.wikiTexts());
        return p;
    }

    private void trainedModelMatchesTheCppLibrary(TrainerConfig cfg, int vocab) throws Exception {
        SentencePieceModel m = VocabTrainer.train(cfg);
        assertEquals(vocab, m.size());
        Path file = VocabTrainer.write(m, dir.resolve("out-" + cfg.modelType() + "-" + cfg.byteFallback()));
        assertTrue(Files.exists(file.resolveSibling("spiece.vocab")));
        SentencePieceProcessor sp = TestData.legacy(SentencePieceProcessor.load(file));
        assertEquals(0, sp.padId());
        assertEquals(1, sp.eosId());
        assertEquals(2, sp.unkId());
        assertEquals(cfg.modelType(), sp.model().trainerSpec().modelType());
        try (ReferenceSentencePiece ref = new ReferenceSentencePiece(file)) {
            Random r = new Random(3);
            List<String> texts = new java.util.ArrayList<>(TestData.wikiTexts().subList(0, 60));
            for (int i = 0; i < 300; i++) texts.add(TestData.randomText(r, 30));
            texts.add("The quick brown fox jumps over the lazy dog.");
            for (String t : texts) {
                assertArrayEquals(ref.encode(t), sp.encode(t), () -> "ids differ for "
                        + SentencePieceOracleTest.escape(t));
                String mine = sp.decode(sp.encode(t));
                // the JNI binding returns modified-UTF-8 C strings: cut at NUL, 4-byte characters mangled; compare the
                // rest
                if (mine.indexOf('\0') < 0 && mine.codePoints().allMatch(c
                        -> c < 0x10000)) assertEquals(ref.decode(ref.encode(t)), mine);
            }
        }
        // training compresses: a common word is one piece, and the text round-trips
        String text = "the history of the";
        assertTrue(sp.encode(text).length <= 6, Arrays.toString(sp.encode(text)));
        assertEquals(text, sp.decode(sp.encode(text)));
    }

    @Test
    void unigramModelLoadsAndEncodesIdenticallyInSentencePiece() throws Exception {
        trainedModelMatchesTheCppLibrary(TrainerConfig.defaults(List.of(corpus()), 800,
                SentencePieceModel.UNIGRAM).withThreads(2), 800);
    }

    @Test
    void bpeModelWithByteFallbackLoadsAndEncodesIdenticallyInSentencePiece() throws Exception {
        TrainerConfig cfg = TrainerConfig.defaults(List.of(corpus()), 1000,
                SentencePieceModel.BPE).withByteFallback(true)
                .withUserDefinedSymbols(List.of("<sep>"));
        trainedModelMatchesTheCppLibrary(cfg, 1000);
        SentencePieceProcessor sp = SentencePieceProcessor.load(dir.resolve("out-2-true/spiece.model"));
        // byte fallback: an unseen character round-trips through byte pieces
        assertEquals("雪 <sep> x", sp.decode(sp.encode("雪 <sep> x")));
        assertTrue(sp.encodeAsPieces("a<sep>b").contains("<sep>"));
    }

    @Test
    void badSettingsAndInputsAreUserErrors() throws Exception {
        Path c = corpus();
        UserError small = assertThrows(UserError.class, () -> VocabTrainer.train(TrainerConfig.defaults(List.of(c), 20,
                SentencePieceModel.UNIGRAM)));
        assertTrue(small.getMessage().contains("too small"), small.getMessage());
        Path tiny = dir.resolve("tiny.txt");
        Files.writeString(tiny, "a b c\n");
        UserError large = assertThrows(UserError.class, () -> VocabTrainer.train(TrainerConfig.defaults(List.of(tiny),
                5000, SentencePieceModel.BPE)));
        assertTrue(large.getMessage().contains("too large"), large.getMessage());
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'a', (byte) 0xC3, '\n'});
        UserError utf = assertThrows(UserError.class, () -> VocabTrainer.train(TrainerConfig.defaults(List.of(bad), 100,
                SentencePieceModel.BPE)));
        assertTrue(utf.getMessage().startsWith(bad + ":2:"), utf.getMessage());
        assertThrows(UserError.class, () -> VocabTrainer.train(TrainerConfig.defaults(List.of(dir.resolve("none.txt")),
                100, SentencePieceModel.BPE)));
    }

    @Test
    void memoryBoundPrunesRareWordsButStillTrains() throws Exception {
        TrainerConfig cfg = TrainerConfig.defaults(List.of(corpus()), 400, SentencePieceModel.UNIGRAM).withLimits(0,
                2000, 0.9995f);
        SentencePieceModel m = VocabTrainer.train(cfg);
        assertEquals(400, m.size());
    }
}
