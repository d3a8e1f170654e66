package dev.t5j.model.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types of checkpoint tensors, named as safetensors names them.
 *
 * <p>The declaration order is safetensors' own (increasing alignment: BOOL, U8, I8, I16, F16, BF16, I32, F32, F64,
 * I64); the writer sorts by it, descending, exactly like the reference implementation, so every tensor's data starts
 * at a multiple of its element size.
 */
public enum DType {
    BOOL(1, true, false),
    U8(1, true, false),
    I8(1, true, false),
    I16(2, true, false),
    F16(2, false, true),
    BF16(2, false, true),
    I32(4, true, false),
    F32(4, false, true),
    F64(8, false, true),
    I64(8, true, false);

    private final int size;
    private final boolean integral;
    private final boolean floating;

    DType(int size, boolean integral, boolean floating) {
        this.size = size;
        this.integral = integral;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    public boolean isFloatingPoint() {
        return floating;
    }

    public boolean isIntegral() {
        return integral;
    }

    /** The safetensors header name ("F32", "BF16", ...); identical to {@link #name()}. */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype name; null when unknown (the caller words the error with file and tensor). */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    /** "BOOL, U8, ..." for error messages. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
