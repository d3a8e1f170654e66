package dev.t5j.optim;

import dev.t5j.common.UserError;

/**
 * Atlas's learning-rate multipliers (atlas : src/util.py), all with {@code ratio = 0.1}:
 * <ul>
 *   <li>{@code linear}: rises linearly from 0.1 to 1 over the warmup, then falls linearly to 0.1 at {@code total};</li>
 *   <li>{@code cosine}: rises from 0 to 1 over the warmup, then {@code 0.1 + 0.9·cos(0.5π·s)}, s the post-warmup progress;</li>
 *   <li>{@code fixed}: 1.</li>
 * </ul>
 */
public record AtlasSchedule(String kind, double lr, long warmup, long total) {
    static final double RATIO = 0.1;

    public AtlasSchedule {
        if (!java.util.List.of("linear", "cosine", "fixed").contains(kind))
            throw new UserError("optimizer.scheduler: '" + kind + "' (allowed: linear, cosine, fixed)");
        if (!(lr >= 0)) throw new UserError("learning rate must be >= 0, got " + lr);
        if (warmup < 0) throw new UserError("optimizer.warmup must be >= 0");
    }

    public double at(long step) {
        return lr * multiplier(step);
    }

    double multiplier(long step) {
        return switch (kind) {
            case "linear" -> step < warmup
                    ? (1 - RATIO) * step / (double) Math.max(1, warmup) + RATIO
                    : Math.max(0.0, 1.0 + (RATIO - 1) * (step - warmup) / (double) Math.max(1, total - warmup));
            case "cosine" -> {
                if (step < warmup) yield step / (double) warmup;
                double s = (step - warmup) / (double) Math.max(1, total - warmup);
                yield RATIO + (1 - RATIO) * Math.cos(0.5 * Math.PI * s);
            }
            default -> 1.0;
        };
    }
}
