package dev.t5j.optim;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * An optimizer over named parameters whose full state can be saved and restored, so a resumed run continues
 * exactly. Implementations own their state tensors (outside any step scope) until {@link #close()}.
 */
public interface Optimizer extends AutoCloseable {
    /** Applies one update with learning rate {@code lr} from the parameters' gradients, then zeroes the gradients. */
    void step(double lr);

    /** Updates applied so far. */
    long stepCount();

    /**
     * Every state tensor by a stable name (e.g. {@code "v_row/encoder.block.0...q.weight"}); live views, not copies.
     */
    Map<String, Tensor> state();

    /** Restores {@link #state()} and the step count saved from an optimizer over the same parameters. */
    void loadState(Map<String, float[]> values, long stepCount);

    @Override
    void close();
}
