package dev.t5j.atlas.tasks;

import dev.t5j.atlas.AtlasTestData;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.t5j.atlas.AtlasTestData.obj;
import static org.junit.jupiter.api.Assertions.*;

class MultipleChoiceTaskTest {
    private static MultipleChoiceTask task(int n, String train, String eval) {
        return (MultipleChoiceTask) AtlasTasks.byName("multiple_choice",
                AtlasTaskOptions.defaults().withVocabulary(AtlasTestData.t5()).withMultipleChoice(n, train, eval));
    }

    private static Map<String, Object> question() {
        return obj("question", " What is 2+2? ", "options", obj("A", "3", "B", "4", "C", "5", "D", "22"), "answer",
                "B");
    }

    @Test
    void orderings() {
        assertEquals("[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1], [1, 2, 3, 0]]", str(Permutations.orderings(4,
                "cyclic")));
        assertEquals("[[0, 1, 2, 3]]", str(Permutations.orderings(4, "single")));
        List<int[]> all = Permutations.orderings(4, "all");
        assertEquals(24, all.size());
        assertEquals("[0, 1, 2, 3]", Arrays.toString(all.get(0)));
        assertEquals("[0, 1, 3, 2]", Arrays.toString(all.get(1))); // itertools.permutations order
        assertEquals("[3, 2, 1, 0]", Arrays.toString(all.get(23)));
        assertEquals(24, all.stream().map(Arrays::toString).distinct().count());
        assertThrows(IllegalArgumentException.class, () -> Permutations.orderings(4, "full"));
    }

    @Test
    void cyclicPermutationsRemapTheAnswer() {
        List<Map<String, Object>> copies = MultipleChoiceTask.permutations(question(), "cyclic");
        assertEquals(4, copies.size());
        assertEquals(Map.of("A", "3", "B", "4", "C", "5", "D", "22"), copies.get(0).get("options"));
        assertEquals("B", copies.get(0).get("answer"));
        assertEquals(true, copies.get(0).get("is_original"));
        // ordering [3,0,1,2]: A=22 B=3 C=4 D=5, the answer "4" moves to C
        assertEquals(List.of("22", "3", "4", "5"), List.copyOf(((Map<?, ?>) copies.get(1).get("options")).values()));
        assertEquals("C", copies.get(1).get("answer"));
        assertEquals(false, copies.get(1).get("is_original"));
        assertEquals("D", copies.get(2).get("answer")); // [2,3,0,1]: A=5 B=22 C=3 D=4
        assertEquals("A", copies.get(3).get("answer")); // [1,2,3,0]: A=4
        for (Map<String, Object> c : copies) assertEquals(" What is 2+2? 3 4 5 22", c.get("uid"));
        assertEquals(24, MultipleChoiceTask.permutations(question(), "all").stream().filter(c
                -> c.get("is_original").equals(false)).count() + 1);
        assertEquals("answer", assertThrows(FieldError.class,
                () -> MultipleChoiceTask.permutations(obj("question", "q", "options", obj("A", "x"), "answer", "E"),
                        "single")).field());
    }

    @Test
    void processPromptTargetAndChoice() {
        MultipleChoiceTask mc = task(4, "single", "cyclic");
        List<Map<String, Object>> copies = mc.expand(question(), true);
        assertEquals(4, copies.size());
        assertEquals(1, mc.expand(question(), false).size());
        AtlasExample ex = mc.process(copies.get(1), new Random(0)).orElseThrow();
        assertEquals("question: What is 2+2? options: (A) 22 (B) 3 (C) 4 (D) 5 answer: <extra_id_0>", ex.query());
        assertEquals("<extra_id_0> C", ex.target());
        assertEquals(List.of("C"), ex.answers());
        assertEquals(List.of("A", "B", "C", "D"), ex.choice().letters());
        assertFalse(ex.choice().isOriginal());
        assertEquals(" What is 2+2? 3 4 5 22", ex.choice().uid());
        assertEquals("C", ex.metadata().get("answer"));
        assertEquals(Map.of("accuracy", 1.0), mc.evaluate("C", ex));
        assertEquals(Map.of("accuracy", 0.0), mc.evaluate("c", ex));
        assertEquals(List.of("debiased_accuracy", "accuracy", "eval_loss"), mc.metrics());
    }

    @Test
    void choiceTokenIdsAreTheLettersFirstPiece() {
        MultipleChoiceTask mc = task(4, "single", "single");
        SentencePieceVocabulary v = AtlasTestData.t5();
        assertEquals(Map.of("A", v.pieceToId("▁A"), "B", v.pieceToId("▁B"), "C", v.pieceToId("▁C"), "D",
                v.pieceToId("▁D")), mc.choiceTokenIds());
        float[] logits = new float[v.vocabSize()];
        logits[v.pieceToId("▁B")] = 2.5f;
        assertEquals(Map.of("A", 0.0, "B", 2.5, "C", 0.0, "D", 0.0), mc.choiceLogits(logits));
    }

    @Test
    void longQuestionsAreCutFromTheLeft() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        // every word is one T5 token, so the cut falls on a word boundary and the lengths add up exactly
        String[] words = {"the", "of", "and", "in", "to"};
        StringBuilder q = new StringBuilder("START");
        for (int i = 0; i < 500; i++) q.append(' ').append(words[i % words.length]);
        q.append(" END");
        for (String w : words) assertEquals(1, v.encode(w).length);
        Map<String, String> options = Map.of("A", "yes", "B", "no");
        String prompt = MultipleChoiceTask.prompt(v, q.toString(), new java.util.TreeMap<>(options), 356);
        // budget 356 with EOS; the question's last (356 - len(empty prompt)) ids include its EOS, dropped on decode
        assertEquals(355, v.encode(prompt, true).length);
        assertTrue(prompt.startsWith("question: "), prompt);
        assertTrue(prompt.endsWith(" END options: (A) yes (B) no answer: <extra_id_0>"), prompt);
        assertFalse(prompt.contains("START"));
        String kept = prompt.substring("question: ".length(), prompt.indexOf(" options: "));
        assertTrue(q.toString().endsWith(kept));
        // a short question is left alone
        assertEquals("question: short? options: (A) yes (B) no answer: <extra_id_0>",
                MultipleChoiceTask.prompt(v, "short?", new java.util.TreeMap<>(options), 356));
    }

    @Test
    void debiasingMarginalisesOverPermutations() {
        MultipleChoiceTask mc = task(2, "single", "cyclic");
        Map<String, Object> line = obj("question", "Is it y?", "options", obj("A", "x", "B", "y"), "answer", "B");
        List<AtlasExample> copies = mc.expand(line, true).stream().map(c -> mc.process(c, new Random(0)).orElseThrow())
                .toList();
        // copy 0: A=x B=y; copy 1: A=y B=x. Logits are log-probabilities, so the softmax gives them back exactly.
        AtlasResult r0 = new AtlasResult(copies.get(0), "A", List.of(), null, Map.of("A", Math.log(0.6), "B",
                Math.log(0.4)));
        AtlasResult r1 = new AtlasResult(copies.get(1), "A", List.of(), null, Map.of("A", Math.log(0.9), "B",
                Math.log(0.1)));
        assertEquals(0.0, mc.evaluate("A", copies.get(0)).get("accuracy")); // raw: copy 0 answered x, wrong
        assertEquals(1.0, mc.evaluate("A", copies.get(1)).get("accuracy"));
        List<MultipleChoiceTask.Debiased> d = mc.debias(List.of(r1, r0));
        assertEquals(1, d.size());
        MultipleChoiceTask.Debiased q = d.get(0);
        // x: (0.6 + 0.1) / 2 = 0.35, y: (0.4 + 0.9) / 2 = 0.65
        assertEquals(0.35, q.choiceProbs().get("A"), 1e-12);
        assertEquals(0.65, q.choiceProbs().get("B"), 1e-12);
        assertEquals("B", q.generation());
        assertEquals(1.0, q.debiasedAccuracy());
        assertSame(r0, q.original());
        assertEquals(List.of("y", "x"), List.copyOf(q.allProbs().keySet())); // gathered in the order the copies came
        assertEquals(0.9, q.allProbs().get("y").get(0), 1e-12);
        assertEquals(0.4, q.allProbs().get("y").get(1), 1e-12);
        assertEquals(List.of(r1, r0), q.permutations());
    }

    @Test
    void pureLetterBiasCancelsAndTiesGoToTheFirst() {
        MultipleChoiceTask mc = task(4, "single", "cyclic");
        List<AtlasExample> copies = mc.expand(question(), true).stream().map(c -> mc.process(c,
                new Random(0)).orElseThrow()).toList();
        // the model always gives A .4, B .3, C .2, D .1 whatever the options: every text averages .25
        Map<String, Double> biased = Map.of("A", Math.log(.4), "B", Math.log(.3), "C", Math.log(.2), "D", Math.log(.1));
        List<AtlasResult> rs = copies.stream().map(c -> new AtlasResult(c, "A", List.of(), null, biased)).toList();
        MultipleChoiceTask.Debiased q = mc.debias(rs).get(0);
        for (double p : q.choiceProbs().values()) assertEquals(0.25, p, 1e-12);
        assertEquals("A", q.generation()); // first of the equal maxima, Python's max
        assertEquals(0.0, q.debiasedAccuracy());
        assertEquals(4, q.allProbs().get("22").size());
    }

    @Test
    void debiasNeedsTheOriginalAndEveryLogit() {
        MultipleChoiceTask mc = task(2, "single", "cyclic");
        Map<String, Object> line = obj("question", "q", "options", obj("A", "x", "B", "y"), "answer", "A");
        List<AtlasExample> copies = mc.expand(line, true).stream().map(c -> mc.process(c, new Random(0)).orElseThrow())
                .toList();
        AtlasResult onlyPermuted = new AtlasResult(copies.get(1), "A", List.of(), null, Map.of("A", 0.0, "B", 0.0));
        assertThrows(IllegalArgumentException.class, () -> mc.debias(List.of(onlyPermuted)));
        AtlasResult missing = new AtlasResult(copies.get(0), "A", List.of(), null, Map.of("A", 0.0));
        assertThrows(IllegalArgumentException.class, () -> mc.debias(List.of(missing)));
    }

    @Test
    void realMmluThroughTheTask() {
        MultipleChoiceTask mc = task(4, "all", "cyclic");
        List<Map<String, Object>> lines = MmluFormat.read(AtlasTestData.resource("atlas/abstract_algebra_dev.csv"));
        List<AtlasExample> exs = lines.stream().flatMap(l -> mc.expand(l, true).stream()).map(c -> mc.process(c,
                new Random(0)).orElseThrow()).toList();
        assertEquals(20, exs.size());
        assertEquals("question: Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field. options: (A) 0 (B) 1 (C) 2 " +
                "(D) 3 answer: <extra_id_0>",
                exs.get(0).query());
        assertEquals("<extra_id_0> B", exs.get(0).target());
        assertEquals(5, exs.stream().filter(e -> e.choice().isOriginal()).count());
        assertEquals(5, exs.stream().map(e -> e.choice().uid()).distinct().count());
        // answers always point at the same option text
        for (AtlasExample e : exs) {
            String text = e.choice().options().get(e.choice().answer());
            AtlasExample orig = exs.stream().filter(o -> o.choice().uid().equals(e.choice().uid())
                    && o.choice().isOriginal()).findFirst().orElseThrow();
            assertEquals(orig.choice().options().get(orig.choice().answer()), text);
        }
        assertEquals(24 * 5, lines.stream().mapToInt(l -> mc.expand(l, false).size()).sum());
    }

    private static String str(List<int[]> l) {
        return l.stream().map(Arrays::toString).toList().toString();
    }

}
