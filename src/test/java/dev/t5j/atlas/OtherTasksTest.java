package dev.t5j.atlas;

import dev.t5j.common.UserError;
import dev.t5j.atlas.tasks.AtlasData;
import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.AtlasTaskOptions;
import dev.t5j.atlas.tasks.AtlasTasks;
import dev.t5j.atlas.tasks.FeverTask;
import dev.t5j.atlas.tasks.FieldError;
import dev.t5j.atlas.tasks.KiltTask;
import dev.t5j.atlas.tasks.LmTask;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static dev.t5j.atlas.AtlasTestData.obj;
import static org.junit.jupiter.api.Assertions.*;

/** base, lm, section, fever, kilt. */
class OtherTasksTest {
    private static AtlasTask task(String name) {
        return AtlasTasks.byName(name, AtlasTaskOptions.defaults());
    }

    @Test
    void registryKnowsAtlasNames() {
        AtlasTaskOptions o = AtlasTaskOptions.defaults().withVocabulary(AtlasTestData.t5());
        for (String n : AtlasTasks.NAMES) assertEquals(n, AtlasTasks.byName(n, o).name());
        var e = assertThrows(UserError.class, () -> AtlasTasks.byName("nq", o));
        assertTrue(e.getMessage().contains("unknown Atlas task 'nq'"), e.getMessage());
    }

    @Test
    void baseUnchangedAndRawAccuracy() {
        AtlasTask base = task("base");
        AtlasExample ex = base.process(obj("query", "translate: Hallo", "target", "Hello", "id", "x1"),
                new Random(0)).orElseThrow();
        assertEquals("translate: Hallo", ex.query());
        assertEquals("Hello", ex.target());
        assertEquals(List.of("Hello"), ex.answers());
        assertNull(ex.metadata());
        assertEquals("x1", ex.id());
        assertEquals(Map.of("accuracy", 1.0), base.evaluate("Hello", ex));
        assertEquals(Map.of("accuracy", 0.0), base.evaluate("hello", ex)); // no normalisation
        assertEquals("target", assertThrows(FieldError.class, () -> base.process(obj("query", "q"),
                new Random(0))).field());
        assertEquals("query", assertThrows(FieldError.class, () -> base.process(obj("query", 1, "target", "t"),
                new Random(0))).field());
        assertEquals(List.of("accuracy", "eval_loss"), base.metrics());
    }

    @Test
    void lmPiecesAreRegexSplitWithSeparators() {
        assertEquals(List.of("", "a", " ", "b", "  ", "c", ""), LmTask.pieces("a b  c"));
        assertEquals(List.of(" ", "x", "\n"), LmTask.pieces(" x\n"));
        assertEquals(List.of(""), LmTask.pieces(""));
    }

    @Test
    void lmSplitBounds() {
        // 7 pieces: min = int(max(2, 3.5)) = 3, max = int(max(min(5, 3.5), 4)) = 4
        assertArrayEquals(new int[] {3, 4}, LmTask.splitBounds(7, 0.5, 0.5));
        // 21 pieces (10 words): min = 10, max = int(max(min(19, 10.5), 11)) = 11
        assertArrayEquals(new int[] {10, 11}, LmTask.splitBounds(21, 0.5, 0.5));
        // 3 pieces (1 word): min = 2, max = int(max(min(1, 1.5), 3)) = 3
        assertArrayEquals(new int[] {2, 3}, LmTask.splitBounds(3, 0.5, 0.5));
        assertArrayEquals(new int[] {4, 16}, LmTask.splitBounds(21, 0.2, 0.8));
    }

    @Test
    void lmSplitPointsCoverTheInclusiveRange() {
        String text = "one two three four five six seven eight nine ten";
        Set<String> queries = new HashSet<>();
        Random rng = new Random(3);
        for (int i = 0; i < 200; i++) {
            String[] qt = LmTask.split(text, 0.5, 0.5, rng);
            assertEquals(text, qt[0] + qt[1]);
            queries.add(qt[0]);
        }
        // 21 pieces, split index 10 or 11 (randint is inclusive): five words, then five words and the following space
        assertEquals(Set.of("one two three four five", "one two three four five "), queries);
    }

    @Test
    void lmTaskProcess() {
        AtlasTask lm = AtlasTasks.byName("lm", AtlasTaskOptions.defaults().withMinWords(3));
        AtlasExample ex = lm.process(obj("id", 12, "text", "alpha beta gamma delta"), new Random(0)).orElseThrow();
        assertEquals("alpha beta gamma delta", ex.query() + ex.target());
        assertEquals(Map.of("id", 12), ex.metadata());
        assertEquals("12", ex.filterId());
        assertEquals(List.of(ex.target()), ex.answers());
        assertTrue(lm.filterById());
        assertEquals(Optional.empty(), lm.process(obj("id", 1, "text", "two words"), new Random(0)));
        assertEquals(Optional.empty(), lm.process(obj("id", 1, "text", " "), new Random(0)));
        assertEquals("id", assertThrows(FieldError.class, () -> lm.process(obj("text", "a b c d"),
                new Random(0))).field());
        Map<String, Double> m = lm.evaluate("gamma delta", ex);
        assertEquals(List.of("eval_loss", "accuracy", "f1", "rouge_1", "rouge_2", "rouge_L"), lm.metrics());
        assertEquals(ex.target().equals("gamma delta") ? 1.0 : 0.0, m.get("accuracy"));
    }

    @Test
    void sectionQueryAndSkips() {
        AtlasTask section = AtlasTasks.byName("section", AtlasTaskOptions.defaults().withMinWords(2));
        AtlasExample ex = section.process(obj("id", "9", "title", "Orchid", "section", "Description", "text",
                "Orchids are flowers."),
                new Random(0)).orElseThrow();
        assertEquals("Orchid, Description", ex.query());
        assertEquals("Orchids are flowers.", ex.target());
        assertEquals(Map.of("id", "9"), ex.metadata());
        assertTrue(section.filterById());
        assertEquals(Optional.empty(), section.process(obj("id", "9", "title", "T", "text", "a b c"), new Random(0)));
        assertEquals(Optional.empty(), section.process(obj("id", "9", "title", "T", "section", "  ", "text", "a b c"),
                new Random(0)));
        assertEquals(Optional.empty(), section.process(obj("id", "9", "title", "T", "section", "S", "text", "one"),
                new Random(0)));
        assertEquals("title", assertThrows(FieldError.class,
                () -> section.process(obj("id", "9", "section", "S", "text", "a b"), new Random(0))).field());
    }

    @Test
    void feverMapping() {
        AtlasTask fever = task("fever");
        assertEquals("true", FeverTask.cleanTarget("SUPPORTS"));
        assertEquals("false", FeverTask.cleanTarget("REFUTES"));
        assertEquals("maybe", FeverTask.cleanTarget("NOT ENOUGH INFO"));
        assertEquals("", FeverTask.cleanTarget(null));
        AtlasExample ex = fever.process(obj("claim", "Paris is in France.", "label", "SUPPORTS", "passages",
                List.of(obj("text", "t"))),
                new Random(0)).orElseThrow();
        assertEquals("question: Paris is in France. answer: <extra_id_0>", ex.query());
        assertEquals("<extra_id_0> true", ex.target());
        assertEquals(List.of("true"), ex.answers());
        assertEquals(Map.of("clean_target", "true"), ex.metadata());
        assertEquals(List.of(), ex.passages()); // Atlas overwrites them with its placeholder
        assertEquals(Map.of("accuracy", 1.0), fever.evaluate("true", ex));
        assertEquals(Map.of("accuracy", 0.0), fever.evaluate("True", ex));
        assertEquals(List.of("accuracy"), fever.metrics());
    }

    @Test
    void feverOnRealPaperDev() {
        AtlasTask fever = task("fever");
        List<AtlasExample> exs = AtlasData.loadEval(fever,
                List.of(AtlasTestData.resource("atlas/fever-paper_dev-30.jsonl")), 0, 1, new Random(0));
        assertEquals(30, exs.size());
        assertEquals("question: Colin Kaepernick became a starting quarterback during the 49ers 63rd season in the " +
                "National Football League."
                + " answer: <extra_id_0>", exs.get(0).query());
        assertEquals("<extra_id_0> maybe", exs.get(0).target());
        // "Fox 2000 Pictures released the film Soul Food." SUPPORTS
        assertEquals("<extra_id_0> true", exs.get(2).target());
        assertEquals("<extra_id_0> false", exs.get(4).target()); // Telemundo, REFUTES
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (AtlasExample e : exs) counts.merge(e.answers().get(0), 1L, Long::sum);
        assertEquals(Map.of("false", 11L, "maybe", 11L, "true", 8L), counts);
        assertEquals(137334, exs.get(2).id());
    }

    @Test
    void kiltAnswersAndFeverFilenameRule() {
        AtlasTask kilt = task("kilt");
        Map<String, Object> line = obj("id", "q1", "input", "capital of france",
                "output", List.of(obj("answer", " Paris "), obj("answer", ""), obj("answer", "Paris"), obj("provenance",
                        List.of()),
                        obj("answer", "paris")));
        assertEquals(List.of("Paris", "paris"), KiltTask.goldAnswers(line));
        AtlasExample ex = kilt.process(line, new Random(0)).orElseThrow();
        assertEquals("question: capital of france answer: <extra_id_0>", ex.query());
        assertTrue(Set.of("<extra_id_0> Paris", "<extra_id_0> paris").contains(ex.target()));
        assertEquals(ex.target().substring("<extra_id_0> ".length()), ex.metadata().get("clean_target"));
        assertEquals("q1", ex.id());
        Map<String, Double> m = kilt.evaluate("PARIS.", ex);
        assertEquals(0.0, m.get("accuracy"));
        assertEquals(1.0, m.get("exact_match"));
        assertEquals(1.0, m.get("f1"));

        Map<String, Object> fever = obj("input", "claim", "filename", "fever-dev-kilt.jsonl",
                "output", List.of(obj("answer", "REFUTES"), obj("answer", "SUPPORTS")));
        assertEquals(List.of("false", "true"), kilt.process(fever, new Random(0)).orElseThrow().answers());
        Map<String, Object> notFever = obj("input", "claim", "filename", "nq-dev-kilt.jsonl", "output",
                List.of(obj("answer", "SUPPORTS")));
        assertEquals(List.of("SUPPORTS"), kilt.process(notFever, new Random(0)).orElseThrow().answers());
        assertEquals("output", assertThrows(FieldError.class,
                () -> kilt.process(obj("input", "x", "output", List.of(obj("answer", " "))), new Random(0))).field());
        assertEquals("output", assertThrows(FieldError.class, () -> kilt.process(obj("input", "x"),
                new Random(0))).field());
    }
}
