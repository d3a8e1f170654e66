package dev.t5j.retrieval.index;

import java.util.ArrayList;
import java.util.List;

/**
 * Atlas's {@code filter_results_by_id} (mlm, lm and section tasks): the example's own passage must not be retrieved
 * for it. Over-retrieve {@code k * ratio}, drop hits whose id equals the example id, and when fewer than {@code k}
 * remain append the dropped ones back at the end (so the reader still gets {@code k} passages).
 */
public final class Filtering {
    /** Atlas's default {@code --filtering_overretrieve_ratio}. */
    public static final int DEFAULT_RATIO = 2;

    private Filtering() {}

    /** Filters one query's over-retrieved hits (best first) to at most {@code k}, ranks renumbered from 1. */
    static List<Hit> filterById(List<Hit> hits, String exampleId, int k) {
        List<Hit> kept = new ArrayList<>(k);
        List<Hit> dropped = new ArrayList<>();
        for (Hit h : hits) {
            if (exampleId != null && exampleId.equals(h.passage().id())) dropped.add(h);
            else kept.add(h);
        }
        for (int i = 0; kept.size() < k && i < dropped.size(); i++) kept.add(dropped.get(i));
        List<Hit> out = new ArrayList<>(Math.min(k, kept.size()));
        for (int i = 0; i < Math.min(k, kept.size()); i++) out.add(kept.get(i).withRank(i + 1));
        return out;
    }

    /**
     * THE id filter: searches {@code k * ratio} per query (at most the index size) and filters each by its example id
     * (null id: no filtering, the top k), as Atlas's task pipeline does for tasks whose examples come from the corpus
     * itself.
     */
    public static List<List<Hit>> searchFilteredById(PassageIndex index, float[][] queries, List<String> exampleIds,
                                                     int k, int ratio) {
        if (exampleIds.size() != queries.length)
            throw new IllegalArgumentException(exampleIds.size() + " example ids for " + queries.length + " queries");
        if (ratio < 1) throw new IllegalArgumentException("over-retrieve ratio must be >= 1, got " + ratio);
        List<List<Hit>> raw = index.search(queries, (int) Math.min((long) k * ratio, index.size()));
        List<List<Hit>> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) out.add(filterById(raw.get(i), exampleIds.get(i), k));
        return out;
    }
}
