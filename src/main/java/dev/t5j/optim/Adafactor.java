package dev.t5j.optim;

import java.util.Arrays;
import java.util.Collections;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adafactor with t5x semantics ({@code t5x/adafactor.py}): second moments factored into row and column statistics
 * for tensors whose two largest dims are both ≥ {@code minDimSizeToFactor}; decay {@code 1 - (t+1)^-0.8} (t counts
 * previous updates, so the first update uses g² alone); ε1 = 1e-30 added to g²; update clipped to RMS ≤ 1;
 * scaled by {@code max(RMS(p), ε2)} when {@code multiplyByParameterScale}; optional momentum and weight decay.
 */
public final class Adafactor implements Optimizer {
    public record Config(boolean factored, boolean multiplyByParameterScale, double beta1, double decayExponent,
                         double clippingThreshold, double weightDecayRate, int minDimSizeToFactor, double epsilon1,
                                 double epsilon2) {
        /** t5x defaults: factored, parameter-scaled, no momentum, decay exponent 0.8, clip 1.0, 128, 1e-30, 1e-3. */
        public static Config t5x() {
            return new Config(true, true, 0.0, 0.8, 1.0, 0.0, 128, 1e-30, 1e-3);
        }
    }

    private final Map<String, Tensor> params;
    private final Config cfg;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private long count;

    public Adafactor(Map<String, Tensor> params, Config cfg) {
        this.params = params;
        this.cfg = cfg;
    }

    /**
     * (d1, d0): the second-largest and largest dims to factor over, or null when not factored (t5x
     * {@code _factored_dims}).
     */
    static int[] factoredDims(long[] shape, Config cfg) {
        if (!cfg.factored() || shape.length < 2) return null;
        Integer[] order = new Integer[shape.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(shape[a], shape[b])); // stable, as np.argsort on ties
        int d1 = order[order.length - 2];
        int d0 = order[order.length - 1];
        if (shape[d1] < cfg.minDimSizeToFactor()) return null;
        return new int[]{d1, d0};
    }

    @Override
    public void step(double lr) {
        double decay = 1 - Math.pow(count + 1, -cfg.decayExponent());
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                String name = e.getKey();
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (!g.defined()) continue;
                long[] shape = Tensors.shape(p);
                Tensor g2 = g.mul(g).add(new Scalar(cfg.epsilon1()));
                int[] fd = factoredDims(shape, cfg);
                Tensor y;
                if (fd != null) {
                    int d1 = fd[0], d0 = fd[1];
                    Tensor rowStat = g2.mean(new long[]{d0}, false, new ScalarTypeOptional());
                    Tensor colStat = g2.mean(new long[]{d1}, false, new ScalarTypeOptional());
                    Tensor vRow = stateTensor("v_row/" + name, rowStat);
                    Tensor vCol = stateTensor("v_col/" + name, colStat);
                    vRow.mul_(new Scalar(decay)).add_(rowStat, new Scalar(1 - decay));
                    vCol.mul_(new Scalar(decay)).add_(colStat, new Scalar(1 - decay));
                    // v_row lost axis d0; its axis that was d1 sits at index d1 - (d0 < d1 ? 1 : 0).
                    long rowAxis = d1 - (d0 < d1 ? 1 : 0);
                    Tensor rowMean = vRow.mean(new long[]{rowAxis}, true, new ScalarTypeOptional());
                    Tensor rowFactor = vRow.div(rowMean).rsqrt().unsqueeze(d0);
                    Tensor colFactor = vCol.rsqrt().unsqueeze(d1);
                    y = g.mul(rowFactor).mul(colFactor);
                } else {
                    Tensor v = stateTensor("v/" + name, g2);
                    v.mul_(new Scalar(decay)).add_(g2, new Scalar(1 - decay));
                    y = g.mul(v.rsqrt());
                }
                // Clipping and parameter scale stay on tensors: no host round-trip per parameter (two syncs each
                // before). max(RMS/threshold, 1) divides by exactly 1 when not clipping, as t5x.
                if (cfg.clippingThreshold() > 0) {
                    Tensor rms = y.square().mean().sqrt();
                    y = y.div(rms.div(new Scalar(cfg.clippingThreshold())).clamp_min(new Scalar(1.0)));
                }
                Tensor update = cfg.multiplyByParameterScale()
                        ? y.mul(p.square().mean().sqrt().clamp_min(new Scalar(cfg.epsilon2())).mul(new Scalar(lr)))
                        : y.mul(new Scalar(lr));
                if (cfg.beta1() > 0) {
                    Tensor m = stateTensor("m/" + name, torch.zeros_like(update));
                    m.mul_(new Scalar(cfg.beta1())).add_(update, new Scalar(1 - cfg.beta1()));
                    update = m;
                }
                if (cfg.weightDecayRate() > 0) p.mul_(new Scalar(1 - cfg.weightDecayRate()));
                p.sub_(update);
                p.mutable_grad().reset(); // as zero_grad(set_to_none=True): the next backward writes, not adds
            }
        }
        count++;
    }

    /**
     * The state tensor {@code key}, created (zero, shaped like {@code like}) on first use and kept outside the step
     * scope.
     */
    private Tensor stateTensor(String key, Tensor like) {
        return state.computeIfAbsent(key, k -> Tensors.keep(torch.zeros_like(like)));
    }

    @Override
    public long stepCount() {
        return count;
    }

    @Override
    public Map<String, Tensor> state() {
        return Collections.unmodifiableMap(state);
    }

    @Override
    public void loadState(Map<String, float[]> values, long stepCount) {
        OptimizerState.load(state, values, params, k -> k.substring(k.indexOf('/') + 1), this::shapeFor);
        this.count = stepCount;
    }

    private long[] shapeFor(String key) {
        String kind = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        long[] shape = Tensors.shape(params.get(name));
        int[] fd = factoredDims(shape, cfg);
        return switch (kind) {
            case "v_row" -> OptimizerState.drop(shape, fd[1]);
            case "v_col" -> OptimizerState.drop(shape, fd[0]);
            default -> shape;
        };
    }

    @Override
    public void close() {
        state.values().forEach(Tensor::close);
        state.clear();
    }
}
