package dev.t5j.atlas.tasks;

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

    @Test
    void answersAreTheSourceTitleAndEvalPhrasesNeverOverlapTraining() {
        List<Passage> ps = passages();
        LookupQuestions.Split s = LookupQuestions.build(ps, 6, 2, 4, 3);
        assertEquals(40, s.train().size());
        assertEquals(5, s.eval().size(), "every 4th passage gets one evaluation question");
        Set<String> trainPhrases = new HashSet<>();
        for (LookupQuestions.Question q : s.train()) {
            assertEquals("Title " + q.passageId(), q.answer());
            trainPhrases.add(q.question());
            String phrase = q.question().substring(q.question().indexOf('"') + 1, q.question().lastIndexOf('"'));
            assertTrue(ps.get(Integer.parseInt(q.passageId())).text().contains(phrase));
        }
        for (LookupQuestions.Question q : s.eval()) {
            assertEquals(0, Integer.parseInt(q.passageId()) % 4);
            String phrase = q.question().substring(q.question().indexOf('"') + 1, q.question().lastIndexOf('"'));
            for (String t : trainPhrases) {
                String tp = t.substring(t.indexOf('"') + 1, t.lastIndexOf('"'));
                for (String w : phrase.split(" ")) assertFalse(tp.contains(w), "eval word " + w
                        + " also in a training phrase");
            }
        }
        assertEquals(s.train(), LookupQuestions.build(ps, 6, 2, 4, 3).train(), "deterministic for a seed");
    }

    @Test
    void phrasesNeedInformativeWords() {
        assertFalse(LookupQuestions.informative("a of the in to it"));
        assertTrue(LookupQuestions.informative("the Hale Passages of Puget"));
    }
}
