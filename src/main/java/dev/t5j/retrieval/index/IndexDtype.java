package dev.t5j.retrieval.index;

import dev.t5j.common.UserError;

/** How a flat index stores its embeddings. Atlas keeps fp16; search always accumulates in fp32. */
public enum IndexDtype {
    FP32("fp32", 4),
    FP16("fp16", 2);

    public final String label;
    public final int bytes;

    IndexDtype(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    public static IndexDtype parse(String s) {
        for (IndexDtype d : values()) if (d.label.equalsIgnoreCase(s) || d.name().equalsIgnoreCase(s)) return d;
        throw new UserError("unknown index dtype '" + s + "' (use fp32 or fp16)");
    }

    @Override
    public String toString() {
        return label;
    }
}
