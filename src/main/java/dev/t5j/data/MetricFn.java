package dev.t5j.data;

import java.util.List;
import java.util.Map;

/**
 * A prediction metric (seqio {@code metric_fn(targets, predictions)}): postprocessed targets and predictions in
 * example order → named scores. Implementations live in {@code dev.t5j.eval}; tasks refer to them by name
 * ({@link Task#metricNames()}) or hold them directly.
 */
@FunctionalInterface
public interface MetricFn {
    Map<String, Double> compute(List<Object> targets, List<Object> predictions);
}
