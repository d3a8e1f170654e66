package dev.t5j.retrieval.index;

import dev.t5j.retrieval.Passage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FilteringTest {
    static List<Hit> hits(String... ids) {
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) out.add(new Hit(Passage.of(ids[i], "", ""), i, 10 - i, i + 1));
        return out;
    }

    static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.passage().id()).toList();
    }

    @Test
    void dropsTheExamplesOwnPassage() {
        List<Hit> f = Filtering.filterById(hits("a", "self", "b", "c", "d", "e"), "self", 3);
        assertEquals(List.of("a", "b", "c"), ids(f));
        assertEquals(List.of(1, 2, 3), f.stream().map(Hit::rank).toList());
    }

    @Test
    void appendsDroppedHitsBackWhenTooFewRemain() {
        List<Hit> f = Filtering.filterById(hits("self", "a", "self2"), "self", 3);
        // only one violating id exists per example in Atlas; with k=3 and 2 valid hits the violator returns last
        assertEquals(List.of("a", "self2", "self"), ids(f));
        assertEquals(List.of("a", "self"), ids(Filtering.filterById(hits("self", "a"), "self", 3)));
        assertEquals(List.of("self"), ids(Filtering.filterById(hits("self"), null, 1)), "no example id: no filtering");
    }

    @Test
    void searchOverRetrievesByTheRatio() {
        float[][] v = {{1, 0}, {0.9f, 0}, {0.8f, 0}, {0.7f, 0}, {0.1f, 0}};
        try (FlatIndex idx = FlatIndex.of(Vectors.passages(5), v, IndexDtype.FP32, 2, "fp")) {
            float[][] q = {{1, 0}, {1, 0}};
            List<List<Hit>> r = Filtering.searchFilteredById(idx, q, List.of("p0", "p9"), 2, Filtering.DEFAULT_RATIO);
            assertEquals(List.of("p1", "p2"), ids(r.get(0)));
            assertEquals(List.of("p0", "p1"), ids(r.get(1)));
            // ratio 1 retrieves only k: the example's passage is dropped and then appended back
            assertEquals(List.of("p1", "p0"), ids(Filtering.searchFilteredById(idx, new float[][] {{1, 0}},
                    List.of("p0"), 2, 1).get(0)));
        }
    }
}
