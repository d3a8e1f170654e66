package dev.t5j.atlas.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of the fields of one task example (a parsed JSON object); wrong or missing values are
 * {@link FieldError}s.
 */
public final class Fields {
    private Fields() {}

    public static String string(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (v == null) throw new FieldError(field, json.containsKey(field) ? "is null, expected a string" : "missing");
        if (!(v instanceof String s)) throw new FieldError(field, "expected a string, got " + typeName(v));
        return s;
    }

    /** The string, or null when the field is absent; present but not a string is an error. */
    public static String optString(Map<String, Object> json, String field) {
        if (!json.containsKey(field)) return null;
        Object v = json.get(field);
        if (v != null && !(v instanceof String)) throw new FieldError(field, "expected a string, got " + typeName(v));
        return (String) v;
    }

    public static List<String> stringList(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (v == null) throw new FieldError(field, json.containsKey(field) ? "is null, expected a list of strings"
                : "missing");
        if (!(v instanceof List<?> l)) throw new FieldError(field, "expected a list of strings, got " + typeName(v));
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) throw new FieldError(field + "[" + i + "]", "expected a string, got "
                    + typeName(l.get(i)));
            out.add(s);
        }
        return out;
    }

    /** A JSON object whose values are all strings, in file order. */
    public static LinkedHashMap<String, String> stringMap(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (v == null) throw new FieldError(field, json.containsKey(field) ? "is null, expected an object" : "missing");
        if (!(v instanceof Map<?, ?> m)) throw new FieldError(field, "expected an object of strings, got "
                + typeName(v));
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) throw new FieldError(field + "." + e.getKey(),
                    "expected a string, got " + typeName(e.getValue()));
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> optObject(Map<String, Object> json, String field) {
        if (!json.containsKey(field) || json.get(field) == null) return null;
        Object v = json.get(field);
        if (!(v instanceof Map<?, ?>)) throw new FieldError(field, "expected an object, got " + typeName(v));
        return (Map<String, Object>) v;
    }

    public static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof String) return "a string";
        if (v instanceof Number) return "a number";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof List<?>) return "a list";
        if (v instanceof Map<?, ?>) return "an object";
        return v.getClass().getSimpleName();
    }

    /** Python's {@code len(s.split())}: the number of whitespace-separated words. */
    public static int wordCount(String s) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean ws = isPyWhitespace(cp);
            if (!ws && !in) n++;
            in = !ws;
            i += Character.charCount(cp);
        }
        return n;
    }

    /** Python's {@code str.isspace} per character (Unicode White_Space plus the ASCII separators 0x1c-0x1f). */
    public static boolean isPyWhitespace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /**
     * Python's {@code s.strip()}: whitespace as {@link #isPyWhitespace} (NBSP and U+0085 included, unlike
     * String.strip).
     */
    public static String pyStrip(String s) {
        int a = 0, b = s.length();
        while (a < b && isPyWhitespace(s.codePointAt(a))) a += Character.charCount(s.codePointAt(a));
        while (b > a && isPyWhitespace(s.codePointBefore(b))) b -= Character.charCount(s.codePointBefore(b));
        return s.substring(a, b);
    }

    /** Python's {@code s.strip()} is empty. */
    public static boolean isBlank(String s) {
        return s.codePoints().allMatch(Fields::isPyWhitespace);
    }
}
