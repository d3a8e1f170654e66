package dev.t5j.data;

import java.util.List;
import java.util.Map;

/** A score-based metric (seqio {@code metric_fn(targets, scores)}): per-example log-likelihoods of the targets. */
@FunctionalInterface
public interface ScoreMetricFn {
    Map<String, Double> compute(List<Object> targets, double[] scores);
}
