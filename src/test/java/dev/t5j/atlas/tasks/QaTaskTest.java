package dev.t5j.atlas.tasks;

import dev.t5j.common.UserError;
import dev.t5j.atlas.AtlasTestData;
import dev.t5j.retrieval.Passage;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.t5j.atlas.AtlasTestData.obj;
import static org.junit.jupiter.api.Assertions.*;

class QaTaskTest {
    private final AtlasTask qa = AtlasTasks.byName("qa", AtlasTaskOptions.defaults());

    @Test
    void promptAndTargetFieldAsAtlas() {
        AtlasExample ex = qa.process(obj("question", "who wrote hamlet", "answers", List.of("Shakespeare",
                "William Shakespeare"),
                "target", "William Shakespeare"), new Random(0)).orElseThrow();
        assertEquals("question: who wrote hamlet answer: <extra_id_0>", ex.query());
        assertEquals("<extra_id_0> William Shakespeare", ex.target());
        assertEquals(List.of("Shakespeare", "William Shakespeare"), ex.answers());
        assertEquals(Map.of(), ex.metadata()); // example.get("metadata", {})
        assertEquals(List.of(), ex.passages());
        assertNull(ex.choice());
    }

    @Test
    void withoutTargetARandomAnswerIsTheTarget() {
        Map<String, Object> line = obj("question", "q", "answers", List.of("a1", "a2", "a3"));
        Set<String> targets = new HashSet<>();
        Random rng = new Random(42);
        for (int i = 0; i < 100; i++) targets.add(qa.process(line, rng).orElseThrow().target());
        assertEquals(Set.of("<extra_id_0> a1", "<extra_id_0> a2", "<extra_id_0> a3"), targets);
    }

    @Test
    void evalLineWithoutAnswersOrTargetHasNoTarget() {
        AtlasExample ex = qa.process(obj("question", "q", "id", 7), new Random(0)).orElseThrow();
        assertNull(ex.target());
        assertEquals(List.of(), ex.answers());
        assertEquals(7, ex.id());
        // a target but no answers: Atlas scores against [target] as processed (with its <extra_id_0> prefix)
        AtlasExample t = qa.process(obj("question", "q", "target", "x"), new Random(0)).orElseThrow();
        assertEquals(List.of("<extra_id_0> x"), t.answers());
    }

    @Test
    void customPromptFormatAndFilePassages() {
        AtlasTask custom = AtlasTasks.byName("qa",
                AtlasTaskOptions.defaults().withQaPromptFormat("Q: {question}? {{A}}: <extra_id_0>"));
        AtlasExample ex = custom.process(obj("question", "why", "answers", List.of("because"),
                "passages", List.of(obj("id", "p1", "title", "T", "text", "body", "section", "S"), obj("text",
                        "no id"))), new Random(0)).orElseThrow();
        assertEquals("Q: why? {A}: <extra_id_0>", ex.query());
        assertEquals(List.of(new Passage("p1", "T", "body", Map.of("section", "S")), new Passage(null, "", "no id",
                Map.of())), ex.passages());
        assertThrows(UserError.class,
                () -> AtlasTasks.byName("qa", AtlasTaskOptions.defaults().withQaPromptFormat("question: {q}")));
    }

    @Test
    void fieldErrors() {
        assertEquals("question", assertThrows(FieldError.class, () -> qa.process(obj("answers", List.of("a")),
                new Random(0))).field());
        assertEquals("answers[1]", assertThrows(FieldError.class,
                () -> qa.process(obj("question", "q", "answers", List.of("a", 3)), new Random(0))).field());
        assertEquals("answers", assertThrows(FieldError.class,
                () -> qa.process(obj("question", "q", "answers", List.of()), new Random(0))).field());
        assertEquals("passages[0].text", assertThrows(FieldError.class,
                () -> qa.process(obj("question", "q", "passages", List.of(obj("title", "t"))), new Random(0))).field());
    }

    @Test
    void metricsNormalisedMaxOverAnswers() {
        AtlasExample ex = qa.process(obj("question", "q", "answers", List.of("The Eiffel Tower", "Paris, France")),
                new Random(0)).orElseThrow();
        assertEquals(Map.of("exact_match", 1.0, "f1", 1.0), qa.evaluate("eiffel tower!", ex));
        Map<String, Double> m = qa.evaluate("in paris", ex); // vs "paris france": P=1/2, R=1/2
        assertEquals(0.0, m.get("exact_match"));
        assertEquals(0.5, m.get("f1"), 1e-12);
        assertEquals(List.of("exact_match", "f1", "eval_loss"), qa.metrics());
    }

    @Test
    void realNqOpenLines() {
        List<AtlasData.Line> lines = AtlasData.readShard(List.of(AtlasTestData.resource("atlas/nq-open-dev-20.jsonl")),
                0, 1, false);
        assertEquals(20, lines.size());
        AtlasExample first = qa.process(NqOpenFormat.toAtlas(lines.get(0).json()), new Random(0)).orElseThrow();
        assertEquals("question: when was the last time anyone was on the moon answer: <extra_id_0>", first.query());
        assertEquals(List.of("14 December 1972 UTC", "December 1972"), first.answers());
        assertTrue(Set.of("<extra_id_0> 14 December 1972 UTC", "<extra_id_0> December 1972").contains(first.target()));
        assertEquals(1.0, qa.evaluate("December 1972", first).get("exact_match"));
        for (AtlasData.Line l : lines) assertTrue(qa.process(NqOpenFormat.toAtlas(l.json()),
                new Random(0)).isPresent());
    }
}
