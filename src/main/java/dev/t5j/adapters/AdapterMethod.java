package dev.t5j.adapters;

import dev.t5j.common.UserError;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The parameter-efficient methods, by their config names (ruse/HyperFormer's, plus PEFT's LoRA). */
public enum AdapterMethod {
    /** No adapters: full fine-tuning. */
    NONE("none"),
    /** Houlsby adapters, one per task or one shared (ruse {@code AdapterController}). */
    ADAPTER("adapter"),
    /** Per-layer hypernetworks fed the task embedding (ruse/HyperFormer {@code MetaAdapterController}). */
    META_ADAPTER("meta-adapter"),
    /** One hypernetwork per stack fed [task; layer id] (HyperFormer {@code unique_hyper_net}). */
    HYPERFORMER("hyperformer"),
    /** One shared hypernetwork fed [task; layer id; block type] (HyperFormer++ {@code efficient_unique_hyper_net}). */
    HYPERFORMER_PP("hyperformer++"),
    /** Low-rank updates of chosen linear maps, PEFT's format. */
    LORA("lora");

    public final String key;

    AdapterMethod(String key) {
        this.key = key;
    }

    public boolean isHyperNetwork() {
        return this == META_ADAPTER || this == HYPERFORMER || this == HYPERFORMER_PP;
    }

    public static AdapterMethod parse(String where, String s) {
        for (AdapterMethod m : values()) if (m.key.equals(s)) return m;
        throw new UserError(where + ": method '" + s + "' (allowed: "
                + Arrays.stream(values()).map(m -> m.key).collect(Collectors.joining(", ")) + ")");
    }
}
