package dev.t5j.data;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PipelineTest {
    static final ByteVocabulary V = new ByteVocabulary(10);

    /** A QA-like task whose target is drawn at random per epoch: exercises stochastic preprocessors. */
    static Task qaTask(String name, int n) {
        List<Example> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(Example.of("q", "question " + i, "a", List.of("x" + i, "y" + i, "z" + i)));
        return Task.builder(name).source(MemorySource.of("train", l))
                .preprocessor(Preprocessors.template("inputs", "q: {q}"))
                .preprocessor(Preprocessors.rekey(Map.of("inputs", "inputs", "answers", "a")))
                .preprocessor(Preprocessors.sampleAnswer("answers", "targets"))
                .preprocessor(Preprocessors.tokenize(true, false))
                .preprocessor(Preprocessors.appendEos())
                .feature("inputs", Feature.of(V)).feature("targets", Feature.of(V)).build();
    }

    static List<Example> read(ExampleIterator it, int max) {
        List<Example> l = new ArrayList<>();
        try (it) {
            while (it.hasNext() && l.size() < max) l.add(it.next());
        }
        return l;
    }

    static List<String> inputsText(List<Example> l) {
        List<String> out = new ArrayList<>();
        for (Example e : l) out.add(e.string("inputs_pretokenized") + "|" + e.string("targets_pretokenized"));
        return out;
    }

    @Test
    void shuffleIsADeterministicPermutation() {
        Task t = qaTask("t", 200);
        DataCatalog c = new DataCatalog();
        ReadOptions o = ReadOptions.split("train").withShuffle(true, 11).withShuffleBuffer(50);
        List<String> a = inputsText(read(t.open(o), 1000));
        List<String> b = inputsText(read(t.open(o), 1000));
        List<String> d = inputsText(read(t.open(o.withShuffle(true, 12)), 1000));
        List<String> plain = inputsText(read(t.open(ReadOptions.split("train")), 1000));
        assertEquals(a, b, "same seed, same order");
        assertNotEquals(a, d, "different seed, different order");
        assertNotEquals(plain, a);
        assertEquals(200, a.size());
        assertEquals(new HashSet<>(a.stream().map(s -> s.split("\\|")[0]).toList()),
                new HashSet<>(plain.stream().map(s -> s.split("\\|")[0]).toList()), "a permutation of the same inputs");
    }

    @Test
    void shardsAreDisjointAndCoverTheSplit() {
        Task t = qaTask("t", 101);
        DataCatalog c = new DataCatalog();
        Set<String> union = new HashSet<>();
        int total = 0;
        for (int i = 0; i < 4; i++) {
            List<Example> part = read(t.open(ReadOptions.split("train").withShard(new Shard(i, 4))), 1000);
            for (Example e : part) assertTrue(union.add(e.string("inputs_pretokenized")), "disjoint");
            total += part.size();
        }
        assertEquals(101, total);
        assertEquals(101, union.size());
    }

    @Test
    void skipResumesExactlyAcrossEpochsWithShuffleAndRandomTargets() {
        Task t = qaTask("t", 30);
        DataCatalog c = new DataCatalog();
        ReadOptions o = ReadOptions.split("train").withShuffle(true,
                5).withShuffleBuffer(8).withEpochs(3).withShard(new Shard(1, 2));
        List<String> full = inputsText(read(t.open(o), 1000));
        assertEquals(45, full.size());
        for (int k : new int[] {0, 1, 14, 15, 16, 40, 45}) {
            List<String> resumed = inputsText(read(t.open(o.withSkip(k)), 1000));
            assertEquals(full.subList(k, full.size()), resumed, "skip " + k);
        }
    }

    @Test
    void randomAnswerChangesPerEpochButNotAcrossRuns() {
        Task t = qaTask("t", 40);
        DataCatalog c = new DataCatalog();
        ReadOptions o = ReadOptions.split("train").withEpochs(2).withSeed(1);
        List<String> run = inputsText(read(t.open(o), 1000));
        assertEquals(run, inputsText(read(t.open(o), 1000)));
        int differ = 0;
        for (int i = 0; i < 40; i++) if (!run.get(i).equals(run.get(40 + i))) differ++;
        assertTrue(differ > 10, "targets resampled in epoch 2 (" + differ + " of 40 changed)");
        for (String s : run) {
            String[] p = s.split("\\|");
            String idx = p[0].substring("q: question ".length());
            assertTrue(List.of("x" + idx, "y" + idx, "z" + idx).contains(p[1]));
        }
        // validation split semantics: first answer
        Task v = Task.builder("v").source(new MemorySource(Map.of("validation", List.of(Example.of("a",
                List.of("first", "second"))))))
                .preprocessor(Preprocessors.sampleAnswer("a", "targets")).preprocessor(Preprocessors.tokenize(true,
                        false))
                .feature("targets", Feature.of(V)).build();
        assertEquals("first", read(v.open(ReadOptions.split("validation")), 10).get(0).string("targets_pretokenized"));
    }

    @Test
    void featureValidationAndTrim() {
        Task untokenized = Task.builder("u").source(MemorySource.of("train", List.of(Example.of("inputs", "a",
                "targets", "b"))))
                .feature("inputs", Feature.of(V)).feature("targets", Feature.of(V)).build();
        var e = assertThrows(UserError.class, () -> read(untokenized.open(ReadOptions.split("train")), 10));
        assertTrue(e.getMessage().contains("'inputs'") && e.getMessage().contains("tokenize"), e.getMessage());

        Task t = qaTask("t", 3);
        List<Example> trimmed = read(t.open(ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 4,
                "targets", 2))), 10);
        for (Example x : trimmed) {
            assertEquals(4, x.tokens("inputs").length);
            assertEquals(2, x.tokens("targets").length);
        }
    }

    @Test
    void missingRequiredFeatureStopsOrIsSkipped() {
        Task t = Task.builder("req").source(MemorySource.of("train", List.of(Example.of("targets", "a"),
                Example.of("other", "b"), Example.of("targets", "c"))))
                .preprocessor(Preprocessors.tokenize(false, false)).feature("targets", Feature.of(V)).build();
        var e = assertThrows(UserError.class, () -> read(t.open(ReadOptions.split("train")), 10));
        assertTrue(e.getMessage().contains("<memory>:2: field 'targets': required output feature missing"),
                e.getMessage());
        BadLines skip = BadLines.skipping();
        assertEquals(2, read(t.open(ReadOptions.split("train").withBadLines(skip)), 10).size());
        assertEquals(1, skip.count());
    }

    @Test
    void emptySplitIsAClearError() {
        Task t = Task.builder("empty").source(MemorySource.of("train", List.of())).feature("targets",
                Feature.of(V)).build();
        var e = assertThrows(UserError.class, () -> read(t.open(ReadOptions.split("train")), 10));
        assertTrue(e.getMessage().contains("'empty'") && e.getMessage().contains("no examples"), e.getMessage());
        var e2 = assertThrows(UserError.class, () -> read(t.open(ReadOptions.split("test")), 10));
        assertTrue(e2.getMessage().contains("no split 'test'"), e2.getMessage());
    }

    @Test
    void templates() {
        Template t = new Template("nq question: {question} {{literal}}");
        assertEquals("nq question: who? {literal}", t.apply(Example.of("question", "who?")));
        assertEquals(List.of("question"), t.fields());
        var e = assertThrows(BadExampleError.class, () -> t.apply(Example.of("q",
                "x").withOrigin(new Example.Origin(java.nio.file.Path.of("f.jsonl"), 7))));
        assertTrue(e.getMessage().startsWith("f.jsonl:7: field 'question': missing"), e.getMessage());
        assertThrows(UserError.class, () -> new Template("bad {open"));
    }

    @Test
    void byteVocabulary() {
        ByteVocabulary v = new ByteVocabulary(100);
        assertEquals(359, v.vocabSize());
        assertEquals(358, v.sentinelId(0));
        int[] ids = v.encode("héllo");
        assertEquals(6, ids.length);
        assertEquals('h' + 3, ids[0]);
        assertEquals("héllo", v.decode(ids));
        int[] withSentinel = {'a' + 3, 358, 'b' + 3, 1, 'c' + 3};
        assertEquals("a<extra_id_0>b", v.decode(withSentinel));
    }
}
