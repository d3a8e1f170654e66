package dev.t5j.optim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.t5j.common.EnumKeys;


/** The optimizers a run config can name ({@code optimizer.name}). */
public enum OptimizerName {
    /** Adafactor with t5x's defaults (no momentum unless {@code beta1} is set). */
    ADAFACTOR(0.0),
    /** AdamW (decoupled weight decay). */
    ADAMW(0.9);

    /** The {@code beta1} used when the config leaves it unset: t5x's Adafactor has no momentum, AdamW 0.9. */
    public final double defaultBeta1;

    OptimizerName(double defaultBeta1) {
        this.defaultBeta1 = defaultBeta1;
    }

    @JsonValue
    public String key() {
        return EnumKeys.key(this);
    }

    @JsonCreator
    public static OptimizerName parse(String s) {
        return EnumKeys.parse(values(), s);
    }
}
