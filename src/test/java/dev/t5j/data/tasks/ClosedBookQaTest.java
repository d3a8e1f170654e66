package dev.t5j.data.tasks;

import dev.t5j.data.BadExampleError;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.ReadOptions;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClosedBookQaTest {
    static final Path DATA = Path.of("src/test/resources/data");

    static DataCatalog catalog() {
        DataCatalog c = new DataCatalog();
        ClosedBookQa.register(c, new ByteVocabulary(100), DATA);
        return c;
    }

    static List<Example> read(DataCatalog c, String task, ReadOptions o) {
        List<Example> l = new ArrayList<>();
        try (ExampleIterator it = c.task(task).open(o)) {
            it.forEachRemaining(l::add);
        }
        return l;
    }

    @Test
    void naturalQuestionsOpen() {
        DataCatalog c = catalog();
        List<Example> dev = read(c, "natural_questions_open_test", ReadOptions.split("validation"));
        assertEquals(40, dev.size());
        Example e = dev.get(0);
        assertEquals("nq question: when was the last time anyone was on the moon", e.string("inputs_pretokenized"));
        assertEquals("14 December 1972 UTC", e.string("targets_pretokenized"), "evaluation: first answer as target");
        assertEquals(List.of("14 December 1972 UTC", "December 1972"), e.strings("answers"));
        assertEquals(List.of("14 December 1972 UTC", "December 1972"),
                c.task("natural_questions_open_test").postprocessor().apply("x", e, true));
        assertEquals("pred", c.task("natural_questions_open_test").postprocessor().apply("pred", e, false));
        assertEquals(List.of("squad"), c.task("natural_questions_open").metricNames());
        // the sliced variant: train = train[:79168] (all 60 lines here), test = the dev file
        assertEquals(60, read(c, "natural_questions_open", ReadOptions.split("train")).size());
        assertEquals(40, read(c, "natural_questions_open", ReadOptions.split("test")).size());
        var empty = assertThrows(UserError.class, () -> read(c, "natural_questions_open",
                ReadOptions.split("validation")));
        assertTrue(empty.getMessage().contains("no examples"), empty.getMessage());
    }

    @Test
    void onlyTheRandanswerVariantDrawsARandomTrainingTarget() {
        DataCatalog c = catalog();
        // t5_cbqa/tasks.py: natural_questions_open_randanswer adds sample_answer; the other tasks train on answers[0]
        List<Example> rand = read(c, "natural_questions_open_randanswer", ReadOptions.split("train").withEpochs(4));
        int n = 60;
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            Example e = rand.get(i);
            for (int k = 1; k < 4; k++) {
                Example again = rand.get(k * n + i);
                assertEquals(e.string("inputs_pretokenized"), again.string("inputs_pretokenized"));
                assertTrue(e.strings("answers").contains(again.string("targets_pretokenized")));
                if (!again.string("targets_pretokenized").equals(e.string("targets_pretokenized"))) changed = true;
            }
        }
        assertTrue(changed, "multi-answer questions get different targets in different epochs");
        for (String task : List.of("natural_questions_open", "natural_questions_open_test",
                "web_questions_open_test")) {
            List<Example> fixed = read(c, task, ReadOptions.split("train").withEpochs(4));
            assertFalse(fixed.isEmpty(), task);
            for (Example e : fixed)
                assertEquals(e.strings("answers").get(0), e.string("targets_pretokenized"), task + ": answers[0]");
        }
    }

    @Test
    void triviaQaTrainsOnTheAnswerValue() {
        DataCatalog c = catalog();
        List<Example> l = read(c, "trivia_qa_open_test", ReadOptions.split("train").withEpochs(8));
        assertEquals(32, l.size());
        // answers = the value, then its aliases (the fixture's first question has 3); the target is always the value
        for (int i = 0; i < l.size(); i += 4)
            assertEquals("Sunset Boulevard", l.get(i).string("targets_pretokenized"), "t5_cbqa: answer.value");
        for (Example e : l) assertEquals(e.strings("answers").get(0), e.string("targets_pretokenized"));
    }

    @Test
    void webQuestionsOpen() {
        DataCatalog c = catalog();
        List<Example> train = read(c, "web_questions_open_test", ReadOptions.split("train"));
        assertEquals(5, train.size());
        assertEquals("wq question: what is the name of justin bieber brother?",
                train.get(0).string("inputs_pretokenized"));
        assertEquals(List.of("Jazmine Bieber", "Jaxon Bieber"), train.get(0).strings("answers"));
        assertEquals(List.of("Padmé Amidala"), train.get(1).strings("answers"));
        assertEquals(List.of("Australia"), train.get(3).strings("answers"));
        assertEquals(List.of("The \"Boss\""), train.get(4).strings("answers"));
        assertEquals(2, read(c, "web_questions_open_test", ReadOptions.split("validation")).size());
        assertEquals(2, read(c, "web_questions_open", ReadOptions.split("test")).size());
        Example bad = Example.of("targetValue", "(list)").withOrigin(new Example.Origin(Path.of("wq.json"), 3));
        var e = assertThrows(BadExampleError.class, () -> ClosedBookQa.parseTargetValue(bad, "(list)"));
        assertTrue(e.getMessage().startsWith("wq.json:3: field 'targetValue'"), e.getMessage());
    }

    @Test
    void triviaQaOpen() {
        DataCatalog c = catalog();
        List<Example> train = read(c, "trivia_qa_open", ReadOptions.split("train"));
        assertEquals(3, train.size());
        assertEquals("trivia_qa question: Which Lloyd Webber musical premiered in the US on 10th December 1993?",
                train.get(0).string("inputs_pretokenized"));
        assertEquals(List.of("Sunset Boulevard", "Sunset Blvd", "Sunset Boulevard (film)"),
                train.get(0).strings("answers"));
        assertEquals(List.of("trivia_qa"), c.task("trivia_qa_open").metricNames());
        List<Example> test = read(c, "trivia_qa_open", ReadOptions.split("test"));
        assertEquals("Ottawa", test.get(0).string("targets_pretokenized"));
        assertEquals(4, read(c, "trivia_qa_open_test", ReadOptions.split("train")).size(), "train+validation");
    }

    @Test
    void closedBookQaMixtureIsExamplesProportional() {
        DataCatalog c = catalog();
        var w = c.mixture("closed_book_qa_test").weightedTasks(ReadOptions.split("train"));
        // train sizes here: trivia 3+1=4, nq 60, wq 5
        assertEquals(4 / 69.0, w.get(0).weight(), 1e-12);
        assertEquals(60 / 69.0, w.get(1).weight(), 1e-12);
        assertEquals(5 / 69.0, w.get(2).weight(), 1e-12);
    }
}
