package dev.t5j.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Model variants built here from the T5 model — user-defined and unused pieces, byte fallback, no dummy prefix,
 * word and char model types — encode exactly as in the real sentencepiece library.
 */
class SentencePieceVariantsOracleTest {
    @TempDir
    Path dir;

    private static List<String> texts() {
        List<String> t = new ArrayList<>(TestData.wikiTexts().subList(0, 40));
        Random r = new Random(11);
        for (int i = 0; i < 200; i++) t.add(TestData.randomText(r, 30));
        t.addAll(List.of("New York <sep> [MASK] New  York", "<sep><sep>x", "  the   end  ", "日本語 <sep>"));
        return t;
    }

    private void sameAsCpp(SentencePieceModel m, String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, m.toBytes());
        SentencePieceProcessor sp = TestData.legacy(SentencePieceProcessor.load(p));
        try (ReferenceSentencePiece ref = new ReferenceSentencePiece(p)) {
            for (String t : texts())
                assertArrayEquals(ref.encode(t), sp.encode(t), () -> name + ": " + SentencePieceOracleTest.escape(t));
        }
    }

    private static SentencePieceModel base() {
        return SentencePieceModel.load(TestData.t5Model());
    }

    private static SentencePieceModel with(SentencePieceModel m, List<String> extra, byte type, int modelType,
                                           boolean byteFallback, boolean dummy) {
        List<String> pieces = new ArrayList<>(Arrays.asList(m.pieces()));
        float[] scores = Arrays.copyOf(m.scores(), m.size() + extra.size() + (byteFallback ? 256 : 0));
        byte[] types = Arrays.copyOf(m.types(), scores.length);
        int i = m.size();
        for (String e : extra) {
            pieces.add(e);
            types[i++] = type;
        }
        if (byteFallback) for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
            types[i++] = SentencePieceModel.BYTE;
        }
        var ts = m.trainerSpec().withModel(modelType, pieces.size())
                .withTraining(List.of(), "", 0.9995f, 0, 16, byteFallback, List.of(), true);
        return new SentencePieceModel(pieces.toArray(new String[0]), scores, types, ts,
                m.normalizerSpec().withAddDummyPrefix(dummy));
    }

    @Test
    void userDefinedPiecesInAUnigramModel() throws Exception {
        sameAsCpp(with(base(), List.of("<sep>", "[MASK]", "New York"), SentencePieceModel.USER_DEFINED,
                SentencePieceModel.UNIGRAM, false, true), "ud.model");
    }

    @Test
    void unusedPiecesAndByteFallbackWithoutDummyPrefix() throws Exception {
        SentencePieceModel m = base();
        byte[] types = m.types().clone();
        for (int i = 100; i < 32000; i += 7) if (types[i] == SentencePieceModel.NORMAL) types[i] =
                SentencePieceModel.UNUSED;
        SentencePieceModel unused = new SentencePieceModel(m.pieces(), m.scores(), types, m.trainerSpec(),
                m.normalizerSpec());
        sameAsCpp(with(unused, List.of(), SentencePieceModel.NORMAL, SentencePieceModel.UNIGRAM, true, false),
                "unused-bytes.model");
    }

    @Test
    void bpeWordAndCharModelTypes() throws Exception {
        // T5's pieces reinterpreted: BPE merges by score, whole-word lookup, one piece per character
        sameAsCpp(with(base(), List.of("<sep>"), SentencePieceModel.USER_DEFINED, SentencePieceModel.BPE, false, true),
                "bpe.model");
        sameAsCpp(with(base(), List.of(), SentencePieceModel.NORMAL, SentencePieceModel.WORD, false, true),
                "word.model");
        sameAsCpp(with(base(), List.of(), SentencePieceModel.NORMAL, SentencePieceModel.CHAR, false, true),
                "char.model");
    }
}
