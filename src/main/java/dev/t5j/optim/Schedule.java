package dev.t5j.optim;

import dev.t5j.common.UserError;

/**
 * Learning rate as a function of the 0-based step, in t5x's factor vocabulary.
 *
 * <ul>
 *   <li>{@code constant}: {@code base}</li>
 *   <li>{@code rsqrt}: {@code base / sqrt(max(step, warmup))} (T5 pre-training: base 1.0, warmup 10k → 0.01 then decay)</li>
 *   <li>{@code linear}: linear warmup to {@code base} over {@code warmup} steps, then linear decay to 0 at {@code total}</li>
 *   <li>{@code cosine}: linear warmup, then cosine decay to {@code minRatio·base} at {@code total}</li>
 * </ul>
 */
public record Schedule(String kind, double base, long warmup, long total, double minRatio) {
    public Schedule {
        if (!java.util.List.of("constant", "rsqrt", "linear", "cosine").contains(kind))
            throw new UserError("schedule: unknown kind '" + kind + "' (use constant, rsqrt, linear or cosine)");
        if (!(base > 0)) throw new UserError("schedule: learning rate must be > 0, got " + base);
        if (warmup < 0) throw new UserError("schedule: warmup must be >= 0");
        if ((kind.equals("linear") || kind.equals("cosine")) && total <= warmup)
            throw new UserError("schedule: total steps (" + total + ") must exceed warmup (" + warmup + ") for " + kind);
    }

    public static Schedule constant(double lr) {
        return new Schedule("constant", lr, 0, 0, 0);
    }

    public static Schedule rsqrt(double base, long warmup) {
        return new Schedule("rsqrt", base, warmup, 0, 0);
    }

    public double at(long step) {
        return switch (kind) {
            case "constant" -> base;
            case "rsqrt" -> base / Math.sqrt(Math.max(step, Math.max(1, warmup)));
            case "linear" -> step < warmup ? base * (step + 1) / warmup : base * Math.max(0.0, (double) (total - step) / (total - warmup));
            case "cosine" -> {
                if (step < warmup) yield base * (step + 1) / warmup;
                double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
                yield base * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
            }
            default -> throw new IllegalStateException(kind);
        };
    }
}
