package dev.t5j.data;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MixtureTest {
    static final ByteVocabulary V = new ByteVocabulary(0);

    static Task task(String name, int n) {
        List<Example> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(Example.of("targets", name + ":" + i));
        return Task.builder(name).source(MemorySource.of("train", l))
                .preprocessor(Preprocessors.tokenize(true, false)).feature("targets", Feature.of(V)).build();
    }

    static DataCatalog catalog() {
        DataCatalog c = new DataCatalog();
        c.add(task("a", 100));
        c.add(task("b", 400));
        c.add(task("c", 1000));
        return c;
    }

    static Map<String, Double> weights(DataCatalog c, String mixture) {
        Map<String, Double> m = new HashMap<>();
        for (var wt : c.mixture(mixture).weightedTasks(ReadOptions.split("train"))) m.put(wt.task().name(),
                wt.weight());
        return m;
    }

    @Test
    void fixedRatesAreNormalized() {
        DataCatalog c = catalog();
        c.add(new Mixture("m", List.of(c.entry("a", Rate.fixed(1)), c.entry("b", Rate.fixed(3)))));
        Map<String, Double> w = weights(c, "m");
        assertEquals(0.25, w.get("a"), 1e-12);
        assertEquals(0.75, w.get("b"), 1e-12);
    }

    @Test
    void rateNumExamplesWithMaximumAndTemperature() {
        DataCatalog c = catalog();
        c.add(Mixture.of("prop", Rate.numExamples(1, 0, 1), c.get(List.of("a", "b", "c"))));
        Map<String, Double> w = weights(c, "prop");
        assertEquals(100 / 1500.0, w.get("a"), 1e-12);
        assertEquals(1000 / 1500.0, w.get("c"), 1e-12);
        // maximum 500: min(n, 500) -> 100, 400, 500
        c.add(Mixture.of("capped", Rate.numExamples(1, 500, 1), c.get(List.of("a", "b", "c"))));
        w = weights(c, "capped");
        assertEquals(100 / 1000.0, w.get("a"), 1e-12);
        assertEquals(500 / 1000.0, w.get("c"), 1e-12);
        // temperature 2: sqrt of counts
        c.add(Mixture.of("temp", Rate.numExamples(1, 0, 2), c.get(List.of("a", "b", "c"))));
        w = weights(c, "temp");
        double s = Math.sqrt(100) + Math.sqrt(400) + Math.sqrt(1000);
        assertEquals(Math.sqrt(400) / s, w.get("b"), 1e-12);
        assertEquals(Math.pow(1000 * 2.0, 1 / 3.0), ((Rate.NumExamples) Rate.numExamples(2, 0, 3)).apply(1000), 1e-9);
    }

    @Test
    void nestedMixturesFlattenWithProducts() {
        DataCatalog c = catalog();
        c.add(new Mixture("inner", List.of(c.entry("a", Rate.fixed(1)), c.entry("b", Rate.fixed(1)))));
        c.add(new Mixture("outer", List.of(c.entry("inner", Rate.fixed(1)), c.entry("c", Rate.fixed(3)))));
        Map<String, Double> w = weights(c, "outer");
        assertEquals(0.125, w.get("a"), 1e-12);
        assertEquals(0.125, w.get("b"), 1e-12);
        assertEquals(0.75, w.get("c"), 1e-12);
    }

    @Test
    void samplingFollowsTheRatesAndIsDeterministic() {
        DataCatalog c = catalog();
        c.add(new Mixture("m", List.of(c.entry("a", Rate.fixed(1)), c.entry("b", Rate.fixed(3)))));
        ReadOptions o = ReadOptions.split("train").withEpochs(0).withSeed(4);
        List<String> first = read(c.get("m").open(o), 4000);
        assertEquals(first, read(c.get("m").open(o), 4000));
        long a = first.stream().filter(s -> s.startsWith("a:")).count();
        assertEquals(1000, a, 80, "about a quarter from task a");
        assertNotEquals(first, read(c.get("m").open(o.withSeed(5)), 4000));
    }

    @Test
    void skipResumesTheMixtureExactly() {
        DataCatalog c = catalog();
        c.add(Mixture.of("m", Rate.numExamples(1, 0, 1), c.get(List.of("a", "b"))));
        ReadOptions o = ReadOptions.split("train").withEpochs(0).withShuffle(true, 2).withShuffleBuffer(16);
        List<String> full = read(c.get("m").open(o), 700);
        for (int k : new int[] {1, 99, 350}) assertEquals(full.subList(k, 700), read(c.get("m").open(o.withSkip(k)),
                700 - k), "skip " + k);
    }

    @Test
    void finiteMixtureStopsWhenAPickedTaskIsEmpty() {
        DataCatalog c = catalog();
        c.add(new Mixture("m", List.of(c.entry("a", Rate.fixed(1)), c.entry("c", Rate.fixed(1)))));
        List<String> all = read(c.get("m").open(ReadOptions.split("train")), 100000);
        long fromA = all.stream().filter(s -> s.startsWith("a:")).count();
        assertEquals(100, fromA, "ends right after task a runs out");
        assertTrue(all.size() < 400);
    }

    @Test
    void badRatesAndCyclesAreClearErrors() {
        DataCatalog c = catalog();
        c.add(new Mixture("zero", List.of(c.entry("a", Rate.fixed(0)), c.entry("b", Rate.fixed(0)))));
        var e = assertThrows(UserError.class, () -> weights(c, "zero"));
        assertTrue(e.getMessage().contains("rates sum to zero"), e.getMessage());
        assertThrows(UserError.class, () -> Rate.fixed(-1));
        assertThrows(UserError.class, () -> Rate.numExamples(1, 0, 0));
        // members resolve at registration: an unknown member (and so a cycle) is refused before the mixture exists
        var typo = assertThrows(UserError.class, () -> c.add(new Mixture("typo", List.of(c.entry("bb",
                Rate.fixed(1))))));
        assertTrue(typo.getMessage().contains("no task or mixture named 'bb'")
                && typo.getMessage().contains("did you mean"), typo.getMessage());
        assertFalse(c.contains("typo"));
        assertThrows(UserError.class, () -> c.add(task("a", 1)), "duplicate names");
    }

    @Test
    void aMixtureReadsWithoutTheCatalogAndFollowsAnOverride() {
        DataCatalog c = catalog();
        c.add(new Mixture("inner", List.of(c.entry("a", Rate.fixed(1)), c.entry("b", Rate.fixed(1)))));
        c.add(new Mixture("outer", List.of(c.entry("inner", Rate.fixed(1)), c.entry("c", Rate.fixed(1)))));
        Mixture outer = c.mixture("outer");
        // a mixture built alone holds its members: nothing to look up when it is read
        Mixture alone = Mixture.of("alone", Rate.fixed(1), List.of(task("a", 3), task("b", 5)));
        List<String> got = read(alone.open(ReadOptions.split("train")), 100);
        assertFalse(got.isEmpty());
        assertTrue(got.stream().allMatch(x -> x.startsWith("a:") || x.startsWith("b:")), got.toString());
        // a task file overriding 'a' (DataCatalog.put) rebinds the registered mixtures that hold it, at any depth
        c.put(task("a", 7));
        assertNotSame(outer, c.mixture("outer"));
        Task a = c.mixture("outer").weightedTasks(ReadOptions.split("train")).stream()
                .map(Mixture.WeightedTask::task).filter(t -> t.name().equals("a")).findFirst().orElseThrow();
        assertSame(c.task("a"), a);
        assertEquals(7 + 400 + 1000, c.mixture("outer").numTrainExamples(ReadOptions.split("train")));
    }

    static List<String> read(ExampleIterator it, int max) {
        List<String> l = new ArrayList<>();
        try (it) {
            while (it.hasNext() && l.size() < max) l.add(it.next().string("targets_pretokenized"));
        }
        return l;
    }
}
