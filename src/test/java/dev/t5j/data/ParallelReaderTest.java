package dev.t5j.data;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ParallelReaderTest {
    static List<String> texts(ExampleIterator it, int max) {
        List<String> l = new ArrayList<>();
        try (it) {
            while (it.hasNext() && l.size() < max) {
                Example e = it.next();
                l.add(e.string("inputs_pretokenized") + "|" + e.string("targets_pretokenized"));
            }
        }
        return l;
    }

    @Test
    void deterministicCompleteAndResumable() {
        Task t = PipelineTest.qaTask("t", 103);
        DataCatalog c = new DataCatalog();
        ReadOptions o = ReadOptions.split("train").withShuffle(true, 3).withShuffleBuffer(10);
        List<String> a = texts(ParallelReader.open(t, o, 3, 4), 1000);
        List<String> b = texts(ParallelReader.open(t, o, 3, 4), 1000);
        assertEquals(a, b, "order independent of thread timing");
        assertEquals(103, a.size());
        assertEquals(103, new HashSet<>(a).size());
        // endless reading: skip is split across sub-streams and stays exact
        ReadOptions endless = o.withEpochs(0);
        List<String> full = texts(ParallelReader.open(t, endless, 3, 4), 400);
        for (int k : new int[] {1, 2, 3, 250}) assertEquals(full.subList(k, 400), texts(ParallelReader.open(t,
                endless.withSkip(k), 3, 4), 400 - k), "skip " + k);
        // finite reading with a skip: consumed prefix
        assertEquals(a.subList(50, 103), texts(ParallelReader.open(t, o.withSkip(50), 3, 4), 1000));
    }

    @Test
    void errorsReachTheConsumer() {
        Task bad = Task.builder("bad").source(MemorySource.of("train", List.of(Example.of("q", "x"), Example.of("q",
                "y"))))
                .preprocessor(Preprocessors.template("inputs", "{missing}")).feature("inputs",
                        Feature.of(new ByteVocabulary(0))).build();
        var e = assertThrows(UserError.class, () -> texts(ParallelReader.open(bad, ReadOptions.split("train"), 2, 2),
                10));
        assertTrue(e.getMessage().contains("field 'missing'"), e.getMessage());
    }
}
