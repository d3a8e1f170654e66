package dev.t5j.optim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.t5j.common.EnumKeys;
import dev.t5j.common.UserError;

import java.util.Locale;

/**
 * Learning rate as a function of the 0-based step: t5x's factor vocabulary and Atlas's schedulers in one place.
 *
 * <ul>
 *   <li>{@code constant}: {@code base}</li>
 * <li>{@code rsqrt}: {@code base / sqrt(max(step, warmup))} (T5 pre-training: base 1.0, warmup 10k → 0.01 then
 * decay)</li>
 * <li>{@code linear}: linear warmup to {@code base} over {@code warmup} steps, then linear decay to 0 at
 * {@code total}</li>
 *   <li>{@code cosine}: linear warmup, then cosine decay to {@code minRatio·base} at {@code total}</li>
 *   <li>{@code atlas_linear}, {@code atlas_cosine}, {@code atlas_fixed}: Atlas's WarmupLinearScheduler, CosineScheduler
 *       and FixedScheduler (atlas : src/util.py), all with {@code ratio = 0.1}: linear rises from 0.1 to 1 over the
 *       warmup then falls to 0.1 at {@code total}; cosine rises from 0 to 1, then {@code 0.1 + 0.9·cos(0.5π·s)};
 *       fixed is 1.</li>
 * </ul>
 */
public record Schedule(Kind kind, double base, long warmup, long total, double minRatio) {
    /** Atlas's schedulers' floor ratio. */
    static final double ATLAS_RATIO = 0.1;

    /** The schedule kinds; {@link #parse} names the allowed values. */
    public enum Kind {
        CONSTANT, RSQRT, LINEAR, COSINE, ATLAS_LINEAR, ATLAS_COSINE, ATLAS_FIXED;

        @JsonValue
        public String key() {
            return EnumKeys.key(this);
        }

        @JsonCreator
        public static Kind parse(String s) {
            return EnumKeys.parse(values(), s);
        }

        /** Atlas's {@code --scheduler} names: linear, cosine, fixed. */
        public static Kind atlas(String s) {
            String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
            return switch (k) {
                case "linear" -> ATLAS_LINEAR;
                case "cosine" -> ATLAS_COSINE;
                case "fixed" -> ATLAS_FIXED;
                default -> throw new UserError("optimizer.scheduler: '" + s + "' (allowed: linear, cosine, fixed)");
            };
        }

        boolean decaysToTotal() {
            return this == LINEAR || this == COSINE;
        }
    }

    public Schedule {
        if (kind == null) throw new UserError("schedule: kind required (allowed: " + EnumKeys.allowed(Kind.values())
                + ")");
        if (!(base > 0)) throw new UserError("schedule: learning rate must be > 0, got " + base);
        if (warmup < 0) throw new UserError("schedule: warmup must be >= 0");
        if (kind.decaysToTotal() && total <= warmup)
            throw new UserError("schedule: total steps (" + total + ") must exceed warmup (" + warmup + ") for "
                    + kind.key());
    }

    public static Schedule constant(double lr) {
        return new Schedule(Kind.CONSTANT, lr, 0, 0, 0);
    }

    public static Schedule rsqrt(double base, long warmup) {
        return new Schedule(Kind.RSQRT, base, warmup, 0, 0);
    }

    /** Atlas's scheduler by its {@code --scheduler} name (linear, cosine, fixed). */
    public static Schedule atlas(String scheduler, double lr, long warmup, long total) {
        return new Schedule(Kind.atlas(scheduler), lr, warmup, total, ATLAS_RATIO);
    }

    public double at(long step) {
        return switch (kind) {
            case CONSTANT -> base;
            case RSQRT -> base / Math.sqrt(Math.max(step, Math.max(1, warmup)));
            case LINEAR -> step < warmup ? base * (step + 1) / warmup
                    : base * Math.max(0.0, (double) (total - step) / (total - warmup));
            case COSINE -> {
                if (step < warmup) yield base * (step + 1) / warmup;
                double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
                yield base * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
            }
            case ATLAS_LINEAR, ATLAS_COSINE, ATLAS_FIXED -> base * atlasMultiplier(step);
        };
    }

    private double atlasMultiplier(long step) {
        return switch (kind) {
            case ATLAS_LINEAR -> step < warmup
                    ? (1 - ATLAS_RATIO) * step / (double) Math.max(1, warmup) + ATLAS_RATIO
                    : Math.max(0.0, 1.0 + (ATLAS_RATIO - 1) * (step - warmup) / (double) Math.max(1, total - warmup));
            case ATLAS_COSINE -> {
                if (step < warmup) yield step / (double) warmup;
                double s = (step - warmup) / (double) Math.max(1, total - warmup);
                yield ATLAS_RATIO + (1 - ATLAS_RATIO) * Math.cos(0.5 * Math.PI * s);
            }
            default -> 1.0;
        };
    }
}
