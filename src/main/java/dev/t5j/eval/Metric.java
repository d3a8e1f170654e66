package dev.t5j.eval;

import java.util.List;
import java.util.Map;

/**
 * A corpus-level text metric: predictions against one or more references each, returning named scores (T5 reports
 * most of them ×100). Implementations are stateless and thread-safe.
 */
public interface Metric {
    String name();

    /** @param references per prediction, its reference strings (at least one) */
    Map<String, Double> compute(List<String> predictions, List<List<String>> references);

    /** Checks the shapes every metric needs. */
    static void checkShapes(List<String> predictions, List<List<String>> references) {
        if (predictions.size() != references.size())
            throw new IllegalArgumentException(predictions.size() + " predictions but " + references.size()
                    + " reference lists");
        for (int i = 0; i < references.size(); i++)
            if (references.get(i) == null || references.get(i).isEmpty())
                throw new IllegalArgumentException("example " + i + " has no reference");
    }
}
