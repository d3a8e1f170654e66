package dev.t5j.atlas;

import dev.t5j.atlas.tasks.Fields;
import dev.t5j.atlas.tasks.HfText;
import dev.t5j.atlas.tasks.PyFormat;
import dev.t5j.retrieval.Passage;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** HfText, PyFormat, Fields (id filtering is tested with the index: FilteringTest). */
class HelpersTest {
    @Test
    void predictionPostprocessingDropsSpecialTokens() {
        assertEquals("Paris", HfText.stripSpecialTokens("<extra_id_0> Paris</s>"));
        assertEquals("Paris France", HfText.stripSpecialTokens("<pad> <extra_id_0> Paris France</s><pad>"));
        SentencePieceVocabulary v = AtlasTestData.t5();
        int[] paris = v.encode("Paris, France");
        int[] generated = new int[paris.length + 3];
        generated[0] = v.padId();
        generated[1] = v.sentinelId(0);
        System.arraycopy(paris, 0, generated, 2, paris.length);
        generated[generated.length - 1] = v.eosId();
        assertEquals("Paris, France", HfText.prediction(v, generated));
        assertEquals("<pad><extra_id_0> Paris, France</s>", HfText.decode(v, generated, false));
    }

    @Test
    void cleanUpTokenizationAsTransformers() {
        assertEquals("Hello, world. Isn't it? I'm sure it's fine!",
                HfText.cleanUpTokenization("Hello , world . Is n't it ? I 'm sure it 's fine !"));
    }

    @Test
    void pyFormat() {
        assertEquals("q: why {x}", PyFormat.format("q: {question} {{x}}", Map.of("question", "why")));
        assertThrows(IllegalArgumentException.class, () -> PyFormat.format("{nope}", Map.of("question", "")));
        assertThrows(IllegalArgumentException.class, () -> PyFormat.format("{question", Map.of("question", "")));
        assertThrows(IllegalArgumentException.class, () -> PyFormat.format("a } b", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> PyFormat.format("{question:>5}", Map.of("question", "")));
    }

    @Test
    void readerAndRetrieverInputs() {
        Passage p = new Passage("0", "Bermuda Triangle", "A region.", Map.of("section", "Intro"));
        assertEquals("question: where is it? answer: <extra_id_0> title: Bermuda Triangle context: A region.",
                PyFormat.readerInput(PyFormat.ENCODER_FORMAT, "question: where is it? answer: <extra_id_0>", p));
        assertEquals("Bermuda Triangle A region.", PyFormat.retrieverInput(Passage.RETRIEVER_FORMAT, p));
        assertEquals("{query}", PyFormat.readerInput("{{query}}", "q", p));
        assertEquals("Intro: A region.", PyFormat.retrieverInput("{section}: {text}", p));
        assertEquals("q", PyFormat.readerInput("{query}", "q", p)); // closed book
    }

    @Test
    void pythonStripIncludesNonBreakingSpace() {
        assertEquals("x y", Fields.pyStrip("\u00a0 x y\u0085\n"));
        assertEquals(2, Fields.wordCount("a\u00a0b"));
    }

}
