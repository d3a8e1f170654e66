package dev.t5j.retrieval.index;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Recall@k of an approximate search against the exact one (FAISS/ann-benchmarks style: overlap of the top-k rows). */
public final class Recall {
    private Recall() {}

    /** Mean over queries of |approx top-k ∩ exact top-k| / |exact top-k|. */
    public static double atK(List<List<Hit>> approx, List<List<Hit>> exact, int k) {
        if (approx.size() != exact.size()) throw new IllegalArgumentException(approx.size() + " vs " + exact.size()
                + " queries");
        if (exact.isEmpty()) return Double.NaN;
        double sum = 0;
        for (int q = 0; q < exact.size(); q++) {
            List<Hit> e = exact.get(q).subList(0, Math.min(k, exact.get(q).size()));
            if (e.isEmpty()) {
                sum += 1;
                continue;
            }
            Set<Integer> truth = new HashSet<>();
            for (Hit h : e) truth.add(h.index());
            int found = 0;
            List<Hit> a = approx.get(q);
            for (int i = 0; i < Math.min(k, a.size()); i++) if (truth.contains(a.get(i).index())) found++;
            sum += (double) found / truth.size();
        }
        return sum / exact.size();
    }

    /** Searches both indexes with the same queries and compares their top-k. */
    public static double atK(PassageIndex approx, PassageIndex exact, float[][] queries, int k) {
        return atK(approx.search(queries, k), exact.search(queries, k), k);
    }
}
