package dev.t5j.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RougeTest {
    final Rouge plain = new Rouge(false, false);

    @Test
    void tokenizationKeepsLowercaseAlphanumerics() {
        assertEquals(List.of("hello", "world", "it", "s", "3", "14"), plain.tokenize("Hello, World! It's 3.14"));
        assertEquals(List.of("test", "one", "two"), new Rouge(true, false).tokenize("Testing one two"));
    }

    @Test
    void rouge1And2() {
        // target "testing one two", prediction "testing": 1 overlap, P = 1/1, R = 1/3 -> F = 0.5
        Rouge.Score s = plain.score("testing one two", "testing").get("rouge1");
        assertEquals(1.0, s.precision(), 1e-12);
        assertEquals(1.0 / 3, s.recall(), 1e-12);
        assertEquals(0.5, s.fmeasure(), 1e-12);
        // bigrams: target {the cat, cat sat}, prediction {the cat, cat ran}: 1 overlap -> P = R = F = 0.5
        assertEquals(0.5, plain.score("the cat sat", "the cat ran").get("rouge2").fmeasure(), 1e-12);
        // clipping: prediction "the the the" vs target "the cat": overlap min(3,1) = 1; P = 1/3, R = 1/2 -> F = 0.4
        assertEquals(0.4, plain.score("the cat", "the the the").get("rouge1").fmeasure(), 1e-12);
    }

    @Test
    void rougeLIsTheLongestCommonSubsequence() {
        // target "a b c d e", prediction "a c e x": LCS "a c e" = 3; P = 3/4, R = 3/5 -> F = 2*0.75*0.6/1.35 = 0.6667
        Rouge.Score s = plain.score("a b c d e", "a c e x").get("rougeL");
        assertEquals(0.75, s.precision(), 1e-12);
        assertEquals(0.6, s.recall(), 1e-12);
        assertEquals(2 * 0.75 * 0.6 / 1.35, s.fmeasure(), 1e-12);
    }

    @Test
    void rougeLsumIsTheSummaryLevelUnionLcs() {
        // Lin (2004) §3.2 example, as in rouge_score's test: reference w1..w5; candidate sentences "w1 w2 w6 w7 w8" and
        // "w1 w3 w8 w9 w5"; union LCS = w1 w2 w3 w5 -> R = 4/5, P = 4/10, F = 2*0.4*0.8/1.2 = 0.5333
        Rouge.Score s = plain.score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5").get("rougeLsum");
        assertEquals(0.8, s.recall(), 1e-12);
        assertEquals(0.4, s.precision(), 1e-12);
        assertEquals(0.5333, s.fmeasure(), 1e-4);
        // without newlines it is one sentence: plain ROUGE-L of the whole text
        assertEquals(plain.score("a b c", "a c b").get("rougeL"), plain.score("a b c", "a c b").get("rougeLsum"));
        // T5's " . " -> " .\n" sentence split
        Rouge t5 = new Rouge(false, true);
        assertEquals(s.fmeasure(), t5.score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8 . w1 w3 w8 w9 w5").get("rougeLsum")
                .fmeasure(),
                1e-12);  // the "." token is dropped by tokenisation; only the sentence boundary matters
        // with the sentences swapped the union LCS is unchanged (0.5333) but one-sentence LCS is "w1 w3 w5": P = 3/10,
        // R = 3/5 -> F = 0.4
        assertEquals(s.fmeasure(), t5.score("w1 w2 w3 w4 w5", "w1 w3 w8 w9 w5 . w1 w2 w6 w7 w8").get("rougeLsum")
                .fmeasure(), 1e-12);
        assertEquals(0.4, plain.score("w1 w2 w3 w4 w5", "w1 w3 w8 w9 w5 . w1 w2 w6 w7 w8").get("rougeLsum").fmeasure(),
                1e-12);
    }

    @Test
    void corpusScoreIsMeanOfBestPerExampleTimes100() {
        // ex1 rouge1 F = 0.5 (above); ex2: exact match with the second reference -> 1.0; mean = 75
        Map<String, Double> m = plain.compute(List.of("testing", "a b"), List.of(List.of("testing one two"),
                List.of("x", "a b")));
        assertEquals(75.0, m.get("rouge1"), 1e-9);
        assertTrue(m.containsKey("rouge2") && m.containsKey("rougeL") && m.containsKey("rougeLsum"));
    }

    /** rouge_score's rouge_scorer_test.py figures (ROUGE-1.5.5 runs) on its testdata lines. */
    @Test
    void agreesWithRouge155OnRougeScoreTestData() throws Exception {
        List<String> t = java.nio.file.Files.readAllLines(java.nio.file.Path.of(getClass()
                .getResource("/eval/rouge_target.txt").toURI()));
        List<String> p = java.nio.file.Files.readAllLines(java.nio.file.Path.of(getClass()
                .getResource("/eval/rouge_prediction.txt").toURI()));
        Rouge stemmed = new Rouge(true, false);
        check(plain.score(t.get(0), p.get(0)).get("rouge1"), 0.40741, 0.68750, 0.51163);
        check(plain.score(t.get(1), p.get(1)).get("rouge1"), 0.40476, 0.65385, 0.50000);
        check(stemmed.score(t.get(0), p.get(0)).get("rouge1"), 0.40741, 0.68750, 0.51163);
        check(stemmed.score(t.get(1), p.get(1)).get("rouge1"), 0.42857, 0.69231, 0.52941);
        for (Rouge r : new Rouge[]{plain, stemmed}) {
            check(r.score(t.get(0), p.get(0)).get("rouge2"), 0.30769, 0.53333, 0.39024);
            check(r.score(t.get(1), p.get(1)).get("rouge2"), 0.29268, 0.48000, 0.36364);
        }
        check(plain.score(t.get(0), p.get(0)).get("rougeL"), 0.40741, 0.68750, 0.51163);
        check(plain.score(t.get(1), p.get(1)).get("rougeL"), 0.40476, 0.65385, 0.50000);
    }

    static void check(Rouge.Score s, double recall, double precision, double f) {
        assertEquals(recall, s.recall(), 5e-6, "recall");
        assertEquals(precision, s.precision(), 5e-6, "precision");
        assertEquals(f, s.fmeasure(), 5e-6, "f");
    }

    @Test
    void porterStemmerMatchesPublishedAndNltkOutputs() {
        PorterStemmer p = new PorterStemmer();
        String[][] cases = {
                {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "tie"}, {"cats", "cat"}, {"feed", "feed"},
                {"agreed", "agre"}, {"plastered", "plaster"}, {"motoring", "motor"}, {"sing", "sing"}, {"hopping",
                        "hop"},
                {"falling", "fall"}, {"fizzed", "fizz"}, {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"},
                {"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"}, {"generalizations",
                        "gener"},
                {"oscillators", "oscil"}, {"computational", "comput"}, {"computer", "comput"}, {"running", "run"},
                {"dying", "die"}, {"meetings", "meet"}, {"enjoy", "enjoy"}, {"dies", "die"}, {"flies", "fli"},
                {"died", "die"}, {"spied", "spi"}, {"hopeful", "hope"}, {"goodness", "good"}, {"adjustable", "adjust"},
                {"replacement", "replac"}, {"adoption", "adopt"}, {"effective", "effect"}, {"controll", "control"},
                {"roll", "roll"}, {"cease", "ceas"}, {"rate", "rate"}, {"radically", "radic"}};
        for (String[] c : cases) assertEquals(c[1], p.stem(c[0]), c[0]);
    }
}
