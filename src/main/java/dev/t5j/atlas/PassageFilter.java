package dev.t5j.atlas;

import dev.t5j.retrieval.Passage;

import java.util.ArrayList;
import java.util.List;

/**
 * Atlas's {@code filter_results_by_id} for mlm, lm and section: of an over-retrieved list (top-k ×
 * {@code filtering_overretrieve_ratio}, 2 by default), the passages whose id equals the example's are moved to the
 * end, then the list is cut to k; so they come back only when fewer than k others remain. Ids compare as strings.
 */
public final class PassageFilter {
    private PassageFilter() {}

    /** Atlas's default {@code --filtering_overretrieve_ratio}. */
    public static final int DEFAULT_OVERRETRIEVE_RATIO = 2;

    /** Passages and their scores, parallel. */
    public record Filtered(List<Passage> passages, float[] scores) {}

    /** {@code exampleId} null (padding/no metadata): the first k unchanged. */
    public static Filtered byId(String exampleId, List<Passage> passages, float[] scores, int k) {
        if (scores.length != passages.size()) throw new IllegalArgumentException(scores.length + " scores for " + passages.size() + " passages");
        List<Integer> order = new ArrayList<>(), violating = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            boolean same = exampleId != null && exampleId.equals(passages.get(i).id());
            (same ? violating : order).add(i);
        }
        order.addAll(violating);
        int n = Math.min(k, order.size());
        List<Passage> ps = new ArrayList<>(n);
        float[] ss = new float[n];
        for (int i = 0; i < n; i++) {
            ps.add(passages.get(order.get(i)));
            ss[i] = scores[order.get(i)];
        }
        return new Filtered(ps, ss);
    }
}
