package dev.t5j.atlas.tasks;

import dev.t5j.common.UserError;
import dev.t5j.atlas.AtlasTestData;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MlmNoiseTest {
    private static final String TEXT =
            "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. "
            + "It is named after the engineer Gustave Eiffel, whose company designed and built the tower from 1887 " +
                    "to 1889.";

    @Test
    void spanLengthsSumToItemsWithTheRequestedCount() {
        Random rng = new Random(1);
        for (int items = 1; items < 40; items++) {
            for (int segs = 1; segs <= items; segs++) {
                int[] l = MlmNoise.spanLengths(items, segs, rng);
                assertEquals(segs, l.length, items + "/" + segs);
                assertEquals(items, Arrays.stream(l).sum());
                assertTrue(Arrays.stream(l).allMatch(x -> x >= 1));
            }
        }
        // Atlas's degenerate cases: no items still gives one span of 1; too many segments gives as many as fit
        assertArrayEquals(new int[] {1}, MlmNoise.spanLengths(0, 1, rng));
        assertArrayEquals(new int[] {1}, MlmNoise.spanLengths(1, 3, rng));
        assertArrayEquals(new int[] {1, 1, 1}, MlmNoise.spanLengths(3, 5, rng));
    }

    @Test
    void spanLengthsShuffleTheBoundaries() {
        Random rng = new Random(7);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) seen.add(Arrays.toString(MlmNoise.spanLengths(5, 2, rng)));
        // 4 possible places for the single boundary among 4 flags: [1,4] [2,3] [3,2] [4,1]
        assertEquals(java.util.Set.of("[1, 4]", "[2, 3]", "[3, 2]", "[4, 1]"), seen);
    }

    @Test
    void noiseCountsFollowPythonRounding() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        // sentences of exactly L tokens: "the the ..." tokenises to one "▁the" per word in T5's vocabulary
        int[][] cases = {{10, 2, 1}, {20, 3, 1}, {30, 4, 1}, {50, 8, 3}, {70, 10, 3}, {100, 15, 5}};
        for (int[] c : cases) {
            String text = String.join(" ", java.util.Collections.nCopies(c[0], "the"));
            assertEquals(c[0], v.encode(text).length);
            MlmNoise.Result r = MlmNoise.apply(v, text, 0.15, 3, 512, new Random(c[0]));
            int noise = r.outputIds().length - sentinels(v, r.outputIds()).size();
            assertEquals(c[1], noise, "noise tokens for L=" + c[0]);
            assertEquals(c[2], sentinels(v, r.outputIds()).size(), "spans for L=" + c[0]);
            assertEquals(c[0] - c[1], r.inputIds().length - sentinels(v, r.inputIds()).size());
        }
        // L = 1: one noise token is asked for, but the kept span (length 1 for 0 items, as Atlas computes it) takes it
        int a = v.encode("the")[0];
        MlmNoise.Result one = MlmNoise.apply(v, "the", 0.15, 3, 512, new Random(1));
        assertArrayEquals(new int[] {a, v.sentinelId(0)}, one.inputIds());
        assertArrayEquals(new int[] {v.sentinelId(0)}, one.outputIds());
    }

    @Test
    void sentinelsInOrderAndInterleavingRebuildsTheTokens() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        for (int seed = 0; seed < 50; seed++) {
            MlmNoise.Result r = MlmNoise.apply(v, TEXT, 0.15, 3, 200, new Random(seed));
            List<Integer> sIn = sentinels(v, r.inputIds()), sOut = sentinels(v, r.outputIds());
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < sIn.size(); i++) expected.add(v.sentinelId(i)); // <extra_id_0>, <extra_id_1>, ...
            assertEquals(expected, sIn);
            assertEquals(expected, sOut);
            assertEquals(v.pieceToId("<extra_id_0>"), r.outputIds()[0]);
            assertFalse(v.isSpecial(r.inputIds()[0]), "inputs start with kept text");
            assertTrue(v.isSpecial(r.inputIds()[r.inputIds().length - 1]), "inputs end with a sentinel, no EOS");
            assertArrayEquals(r.tokens(), rebuild(v, r.inputIds(), r.outputIds()));
        }
    }

    @Test
    void truncatesToTextMaxlengthBeforeNoising() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        MlmNoise.Result r = MlmNoise.apply(v, TEXT, 0.15, 3, 12, new Random(3));
        assertArrayEquals(Arrays.copyOf(v.encode(TEXT), 12), r.tokens());
        assertArrayEquals(r.tokens(), rebuild(v, r.inputIds(), r.outputIds()));
    }

    @Test
    void stringsAreTheDecodedIdsWithSentinelsWritten() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        MlmNoise.Result r = MlmNoise.apply(v, TEXT, 0.15, 3, 200, new Random(11));
        assertTrue(r.input().contains("<extra_id_0>") && r.output().startsWith("<extra_id_0>"), r.input() + " | "
                + r.output());
        // every sentinel is written out, in order, on both sides
        int n = sentinels(v, r.inputIds()).size();
        assertEquals(n, r.input().split("<extra_id_", -1).length - 1);
        assertEquals(n, r.output().split("<extra_id_", -1).length - 1);
        for (int i = 1; i < n; i++) {
            assertTrue(r.input().indexOf("<extra_id_" + (i - 1) + ">") < r.input().indexOf("<extra_id_" + i + ">"));
            assertTrue(r.output().indexOf("<extra_id_" + (i - 1) + ">") < r.output().indexOf("<extra_id_" + i + ">"));
        }
        // a hand-made case: tokens 0..3 kept, then noise
        int[] ids = v.encode("Hello world");
        int[] in = {ids[0], v.sentinelId(0)};
        assertEquals("Hello<extra_id_0>", HfText.decode(v, in, false));
        int[] out = {v.sentinelId(0), ids[1]};
        assertEquals("<extra_id_0> world", HfText.decode(v, out, false));
    }

    @Test
    void mlmTaskProcess() {
        AtlasTask task = AtlasTasks.byName("mlm", AtlasTaskOptions.defaults().withVocabulary(AtlasTestData.t5())
                .withMinWords(10));
        Map<String, Object> line = AtlasTestData.obj("id", "17", "text", TEXT, "title", "Eiffel Tower");
        AtlasExample ex = task.process(line, new Random(5)).orElseThrow();
        MlmNoise.Result r = MlmNoise.apply(AtlasTestData.t5(), TEXT, 0.15, 3, 200, new Random(5));
        assertEquals(r.input(), ex.query());
        assertEquals(r.output(), ex.target());
        assertEquals(List.of(r.output()), ex.answers());
        assertEquals(Map.of("id", "17", "text", TEXT, "title", "Eiffel Tower", "clean_target", TEXT), ex.metadata());
        assertEquals("17", ex.filterId());
        assertNull(ex.id());
        assertTrue(task.filterById());
        assertEquals(Optional.empty(), task.process(AtlasTestData.obj("id", "1", "text", "  \n "), new Random(1)));
        assertEquals(Optional.empty(), task.process(AtlasTestData.obj("id", "1", "text",
                "only nine words are in this short text here"), new Random(1)));
        assertTrue(task.process(AtlasTestData.obj("id", "1", "text",
                "exactly ten words are in this short text right here"), new Random(1)).isPresent());
        FieldError e = assertThrows(FieldError.class, () -> task.process(AtlasTestData.obj("id", "1", "text", 5),
                new Random(1)));
        assertEquals("text", e.field());
    }

    @Test
    void realWikipediaPassages() {
        SentencePieceVocabulary v = AtlasTestData.t5();
        List<java.nio.file.Path> f = List.of(AtlasTestData.resource("atlas/wiki-passages-5.jsonl"));
        AtlasTask mlm = AtlasTasks.byName("mlm", AtlasTaskOptions.defaults().withVocabulary(v).withMinWords(10));
        List<AtlasExample> exs = AtlasData.loadEval(mlm, f, 0, 1, new Random(0));
        assertEquals(5, exs.size());
        for (int i = 0; i < 5; i++) {
            AtlasExample ex = exs.get(i);
            assertEquals(String.valueOf(i), ex.filterId());
            String text = (String) ex.metadata().get("text");
            assertEquals(text, ex.metadata().get("clean_target"));
            MlmNoise.Result r = MlmNoise.apply(v, text, 0.15, 3, 200, new Random(i));
            assertEquals(Math.min(200, v.encode(text).length), r.tokens().length);
            assertArrayEquals(r.tokens(), rebuild(v, r.inputIds(), r.outputIds()));
        }
        AtlasTask lm = AtlasTasks.byName("lm", AtlasTaskOptions.defaults());
        for (AtlasExample ex : AtlasData.loadEval(lm, f, 0, 1, new Random(0))) {
            assertTrue(ex.query().length() > 0 && ex.target().length() > 0);
        }
    }

    @Test
    void mlmNeedsAVocabulary() {
        assertThrows(UserError.class, () -> AtlasTasks.byName("mlm", AtlasTaskOptions.defaults()));
    }

    private static List<Integer> sentinels(SentencePieceVocabulary v, int[] ids) {
        List<Integer> out = new ArrayList<>();
        for (int id : ids) if (id >= 32000) out.add(id);
        return out;
    }

    /** Replaces sentinel i of the input by the tokens after sentinel i in the output. */
    private static int[] rebuild(SentencePieceVocabulary v, int[] in, int[] out) {
        List<Integer> res = new ArrayList<>();
        for (int id : in) {
            if (id < 32000) {
                res.add(id);
                continue;
            }
            int p = 0;
            while (out[p] != id) p++;
            for (p = p + 1; p < out.length && out[p] < 32000; p++) res.add(out[p]);
        }
        return res.stream().mapToInt(Integer::intValue).toArray();
    }
}
