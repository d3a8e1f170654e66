package dev.t5j.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enums as config values: the lower-case constant name is the key; a wrong value names the allowed ones. */
public final class EnumKeys {
    private EnumKeys() {}

    /** The config spelling of a constant: its name in lower case. */
    public static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose key is {@code s} (any case, surrounding blanks ignored). */
    public static <E extends Enum<E>> E parse(E[] values, String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (E v : values) if (key(v).equals(k)) return v;
        throw new UserError("'" + s + "' (allowed: " + allowed(values) + ")");
    }

    /** The keys of all constants, comma-separated, in declaration order. */
    public static String allowed(Enum<?>[] values) {
        return Arrays.stream(values).map(EnumKeys::key).collect(Collectors.joining(", "));
    }
}
