package dev.t5j.atlas;

import dev.t5j.retrieval.Passage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LookupQuestionsTest {
    static List<Passage> passages() {
        List<Passage> ps = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 60; w++) sb.append("word").append(i).append('x').append(w).append(' ');
            ps.add(Passage.of(String.valueOf(i), "Title " + i, sb.toString().trim()));
        }
        return ps;
    }

    static String phrase(LookupQuestions.Question q) {
        return q.question().substring(q.question().indexOf('"') + 1, q.question().lastIndexOf('"'));
    }

    @Test
    void answersAreTheSourceTitleAndEvaluationPassagesGiveNoTrainingQuestion() {
        List<Passage> ps = passages();
        LookupQuestions.Split s = LookupQuestions.build(ps, 6, 4, 3);
        assertEquals(15 * 9, s.train().size(), "15 training passages x 9 windows (window 0 skipped)");
        assertEquals(5, s.eval().size(), "every 4th passage gives one evaluation question");
        Set<String> trainPassages = new HashSet<>();
        for (LookupQuestions.Question q : s.train()) {
            assertEquals("Title " + q.passageId(), q.answer());
            assertTrue(ps.get(Integer.parseInt(q.passageId())).text().contains(phrase(q)));
            trainPassages.add(q.passageId());
        }
        for (LookupQuestions.Question q : s.eval()) {
            assertEquals(0, Integer.parseInt(q.passageId()) % 4);
            assertFalse(trainPassages.contains(q.passageId()), "no training question from an evaluation passage");
            assertTrue(ps.get(Integer.parseInt(q.passageId())).text().contains(phrase(q)));
            assertFalse(phrase(q).startsWith("word" + q.passageId() + "x0 "), "window 0 is skipped");
        }
        assertEquals(s.train(), LookupQuestions.build(ps, 6, 4, 3).train(), "deterministic for a seed");
    }

    @Test
    void phrasesNeedInformativeWords() {
        assertFalse(LookupQuestions.informative("a of the in to it"));
        assertTrue(LookupQuestions.informative("the Hale Passages of Puget"));
    }
}
