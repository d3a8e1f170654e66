package dev.t5j.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.t5j.common.UserError;

import java.util.Locale;

/**
 * {@code loss.normalize}: what the summed token loss of a step is divided by: {@code tokens} (the real target tokens,
 * a mean), {@code sum} (1) or a positive number (t5x's {@code loss_normalizing_factor}).
 */
public record LossNormalization(Kind kind, double factor) {
    public enum Kind { TOKENS, SUM, CONSTANT }

    /** A config value: a word or a number (YAML gives either). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static LossNormalization of(Object v) {
        return parse(v == null ? null : String.valueOf(v));
    }

    public static LossNormalization parse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (k.equals("tokens")) return new LossNormalization(Kind.TOKENS, 0);
        if (k.equals("sum")) return new LossNormalization(Kind.SUM, 1);
        try {
            double f = Double.parseDouble(k);
            if (f > 0 && Double.isFinite(f)) return new LossNormalization(Kind.CONSTANT, f);
            throw new UserError("'" + s
                    + "': a number must be > 0 and finite (allowed: tokens, sum, or a positive number)");
        } catch (NumberFormatException e) {
            throw new UserError("'" + s + "' (allowed: tokens, sum, or a positive number)");
        }
    }

    /** The divisor for a step whose batches hold {@code realTokens} target tokens. */
    public double divisor(double realTokens) {
        return switch (kind) {
            case TOKENS -> Math.max(1.0, realTokens);
            case SUM -> 1.0;
            case CONSTANT -> factor;
        };
    }

    @JsonValue
    public String key() {
        return kind == Kind.CONSTANT ? Double.toString(factor) : kind.name().toLowerCase(Locale.ROOT);
    }
}
