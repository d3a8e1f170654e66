package dev.t5j.data.objectives;

import dev.t5j.common.UserError;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Feature;
import dev.t5j.data.MemorySource;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

public class SpanCorruptionTest {
    static final ByteVocabulary V = new ByteVocabulary(100);

    public static Task pretrainTask(List<Example> docs) {
        return Task.builder("c4_like_span_corruption")
                .source(MemorySource.of("train", docs))
                .preprocessor(Preprocessors.rekey(Map.of("inputs", "", "targets", "text")))
                .preprocessor(Preprocessors.tokenize(false, false))
                .preprocessor(Preprocessors.CACHE_PLACEHOLDER)
                .preprocessor(Denoising.spanCorruption(0.15, 3.0, true))
                .preprocessor(Preprocessors.appendEosAfterTrim())
                .feature("inputs", new Feature(V, true, false))
                .feature("targets", new Feature(V, true, true))
                .build();
    }

    public static List<Example> randomDocs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Example> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 50 + r.nextInt(1500);
            for (int k = 0; k < len; k++) sb.append((char) ('a' + r.nextInt(26)));
            docs.add(Example.of("text", sb.toString()));
        }
        return docs;
    }

    static List<Example> read(ExampleIterator it) {
        List<Example> l = new ArrayList<>();
        try (it) {
            it.forEachRemaining(l::add);
        }
        return l;
    }

    @Test
    void fullSegmentsGiveExactly512And114Tokens() {
        List<Example> docs = randomDocs(300, 1);
        Task t = pretrainTask(docs);
        ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 512, "targets",
                114)).withSeed(3);
        List<Example> out = read(t.open(o));
        // reconstruct the concatenated corpus: each run of 128 docs is concatenated and cut into 568-token pieces
        int full = 0;
        int sentinel0 = V.vocabSize() - 1;
        for (Example e : out) {
            int[] in = e.tokens("inputs"), tg = e.tokens("targets");
            assertEquals(1, in[in.length - 1], "inputs end with EOS");
            assertEquals(1, tg[tg.length - 1], "targets end with EOS");
            assertEquals(sentinel0, tg[0], "targets start with <extra_id_0>");
            assertNotEquals(sentinel0, in[0], "mask starts with non-noise: inputs start with a real token");
            if (in.length == 512) {
                full++;
                assertEquals(114, tg.length);
                // 28 spans: sentinels 32099-style counting down from vocab top
                int k = 0;
                for (int id : in) if (id >= 259) assertEquals(sentinel0 - k++, id);
                assertEquals(28, k);
                assertEquals(sentinel0 - 27, in[in.length - 2], "inputs end with the last sentinel before EOS");
            } else {
                assertTrue(in.length < 512 && tg.length <= 114, "the last piece of a concatenation is shorter");
            }
        }
        assertTrue(full > 100, "most pieces are full length: " + full);
    }

    @Test
    void piecesReconstructTheConcatenatedDocuments() {
        List<Example> docs = randomDocs(20, 2);
        Task t = pretrainTask(docs);
        ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 512, "targets",
                114)).withSeed(9);
        List<Example> out = read(t.open(o));
        List<Integer> rebuilt = new ArrayList<>();
        for (Example e : out) {
            int[] in = e.tokens("inputs"), tg = e.tokens("targets");
            int[] orig = NoiseMasksTest.reconstruct(java.util.Arrays.copyOf(in, in.length - 1),
                    java.util.Arrays.copyOf(tg, tg.length - 1), 259);
            for (int x : orig) rebuilt.add(x);
        }
        List<Integer> expected = new ArrayList<>();
        for (Example d : docs) for (int x : V.encode(d.string("text"))) expected.add(x);
        assertEquals(expected, rebuilt);
    }

    @Test
    void targetsLengthTooShortIsAClearError() {
        Task t = pretrainTask(randomDocs(3, 3));
        ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 512, "targets", 100));
        var e = assertThrows(UserError.class, () -> read(t.open(o)));
        assertTrue(e.getMessage().contains("targets length 100") && e.getMessage().contains("114"), e.getMessage());
    }

    @Test
    void missingSequenceLengthIsAClearError() {
        Task t = pretrainTask(randomDocs(3, 3));
        var e = assertThrows(UserError.class, () -> read(t.open(ReadOptions.split("train"))));
        assertTrue(e.getMessage().contains("span_corruption") && e.getMessage().contains("inputs"), e.getMessage());
    }

    @Test
    void prefixLmAndIidDenoising() {
        List<Example> docs = randomDocs(10, 4);
        Task prefix = Task.builder("plm").source(MemorySource.of("train", docs))
                .preprocessor(Preprocessors.rekey(Map.of("inputs", "", "targets", "text")))
                .preprocessor(Preprocessors.tokenize(false, false))
                .preprocessor(Denoising.prefixLm(0.5))
                .preprocessor(Preprocessors.appendEosAfterTrim())
                .feature("inputs", new Feature(V, true, false)).feature("targets", new Feature(V, true, true)).build();
        ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 64, "targets", 64));
        List<Example> out = read(prefix.open(o));
        assertFalse(out.isEmpty());
        for (Example e : out) {
            int[] in = e.tokens("inputs"), tg = e.tokens("targets");
            assertTrue(in.length >= 2 && in.length <= 64, "prefix plus EOS");
            for (int id : in) assertTrue(id < 259, "no sentinels in prefix LM");
            for (int id : tg) assertTrue(id < 259);
        }
        Task iid = Task.builder("iid").source(MemorySource.of("train", docs))
                .preprocessor(Preprocessors.rekey(Map.of("inputs", "", "targets", "text")))
                .preprocessor(Preprocessors.tokenize(false, false))
                .preprocessor(Denoising.iidDenoising(0.15))
                .preprocessor(Preprocessors.appendEosAfterTrim())
                .feature("inputs", new Feature(V, true, false)).feature("targets", new Feature(V, true, true)).build();
        List<Example> out2 = read(iid.open(o));
        int sentinels = 0;
        for (Example e : out2) {
            assertTrue(e.tokens("inputs").length <= 64);
            for (int id : e.tokens("inputs")) if (id >= 259) sentinels++;
        }
        assertTrue(sentinels > 0);
    }
}
