package dev.t5j.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class BleuTest {
    final Bleu bleu13a = new Bleu(Bleu.Tokenizer.TOKENIZE_13A);

    @Test
    void tokenizer13a() {
        assertEquals("The dog bit the man .", Bleu.tokenize13a("The dog bit the man."));
        assertEquals("It wasn't surprising .", Bleu.tokenize13a("It wasn't surprising."));  // apostrophe is not split
        assertEquals("3.5 , 1,000 and a-b ( c ) 2 - 3", Bleu.tokenize13a("3.5, 1,000 and a-b (c) 2-3"));
        assertEquals("\" a & b \"", Bleu.tokenize13a("&quot;a &amp; b&quot;"));
    }

    @Test
    void tokenizerIntlSplitsUnicodePunctuationAndSymbols() {
        assertEquals("It wasn ' t surprising .", Bleu.tokenizeIntl("It wasn't surprising."));
        assertEquals("3.5 , 1,000 $ 5 « a »", Bleu.tokenizeIntl("3.5, 1,000 $5 «a»"));
    }

    @Test
    void sacrebleuReadmeExample() {
        // sacreBLEU's README: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
        List<String> sys = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
        List<List<String>> refs = List.of(List.of("The dog bit the man.", "The dog had bit the man."),
                List.of("It was not unexpected.", "No one was surprised."),
                List.of("The man bit him first.", "The man had bitten the dog."));
        Map<String, Double> m = bleu13a.compute(sys, refs);
        assertEquals(48.53, m.get("bleu"), 0.005);
        assertEquals(82.4, m.get("precision_1"), 0.05);  // 14/17
        assertEquals(50.0, m.get("precision_2"), 1e-9);  // 7/14
        assertEquals(45.5, m.get("precision_3"), 0.05);  // 5/11
        assertEquals(37.5, m.get("precision_4"), 1e-9);  // 3/8
        assertEquals(0.943, m.get("bp"), 0.0005);        // exp(1 - 18/17)
        assertEquals(17.0, m.get("sys_len"));
        assertEquals(18.0, m.get("ref_len"));
    }

    /** sacreBLEU's own test_bleu.py expectations for the README example under each tokenizer, and its scoring case. */
    @Test
    void sacrebleuTestSuiteValues() {
        List<String> sys = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
        List<List<String>> refs = List.of(List.of("The dog bit the man.", "The dog had bit the man."),
                List.of("It was not unexpected.", "No one was surprised."),
                List.of("The man bit him first.", "The man had bitten the dog."));
        assertEquals(48.530827, bleu13a.compute(sys, refs).get("bleu"), 1e-6);
        assertEquals(43.91623493, new Bleu(Bleu.Tokenizer.INTL).compute(sys, refs).get("bleu"), 1e-6);
        assertEquals(49.1919566, new Bleu(Bleu.Tokenizer.NONE).compute(sys, refs).get("bleu"), 1e-6);
        assertEquals(0.0, bleu13a.compute(List.of("", "", ""), refs).get("bleu"),
                "empty hypotheses are kept and score 0");
        // compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], sys_len 11, ref_len 11) = 0.8375922397
        var s = new Bleu.Stats(11, 11, new long[]{9, 7, 5, 3}, new long[]{10, 8, 6, 4});
        assertEquals(83.75922397, Bleu.score(s).get("bleu"), 1e-6);
    }

    @Test
    void expSmoothingOfAZeroFourGramPrecision() {
        // "Hi world ." / "This is a Test ." against "Hello world ." / "This is a test .":
        // 1-grams 6/8, 2-grams 3/6, 3-grams 1/4, 4-grams 0/2 -> exp smoothing: 100 / (2 * 2) = 25
        // BLEU = (75 * 50 * 25 * 25)^(1/4) = 39.127 (sacreBLEU 0.3913 in MT-Telescope's test)
        Map<String, Double> m = bleu13a.compute(List.of("Hi world.", "This is a Test."),
                List.of(List.of("Hello world."), List.of("This is a test.")));
        assertEquals(25.0, m.get("precision_4"), 1e-9);
        assertEquals(Math.pow(75 * 50 * 25 * 25, 0.25), m.get("bleu"), 1e-9);
        assertEquals(39.13, m.get("bleu"), 0.005);
    }

    @Test
    void perfectZeroAndShortHypotheses() {
        assertEquals(100.0, bleu13a.compute(List.of("a b c d"), List.of(List.of("a b c d"))).get("bleu"), 1e-9);
        assertEquals(0.0, bleu13a.compute(List.of("x y"), List.of(List.of("a b c d"))).get("bleu"));
        // a 2-token hypothesis has no 3-grams: the precision stays 0 and the score collapses to ~0, as in sacreBLEU
        assertTrue(bleu13a.compute(List.of("a b"), List.of(List.of("a b"))).get("bleu") < 1e-6);
        // closest reference length, shorter on ties: hyp 3 tokens, refs of 2 and 4 -> 2
        assertEquals(2.0, bleu13a.compute(List.of("a b c"), List.of(List.of("a b c d", "a b"))).get("ref_len"));
    }
}
