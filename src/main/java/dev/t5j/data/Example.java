package dev.t5j.data;

import java.util.Locale;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One example flowing through the pipeline: named fields plus where it came from (file and line) so any later
 * stage can report bad input precisely.
 *
 * <p>Field values are {@code String}, {@code int[]} (token ids; primitive on purpose, this is the hot path),
 * {@code List<String>}, {@code Long}, {@code Double} or {@code Boolean}. Examples are treated as immutable: the
 * {@code with*} methods return a copy, and int arrays handed in are not copied (callers must not mutate them later).
 */
public final class Example {
    private final LinkedHashMap<String, Object> fields;
    private final Origin origin;

    /** Where an example came from; {@code line} is 1-based, 0 when unknown (in-memory, generated). */
    public record Origin(Path file, long line) {
        public static final Origin NONE = new Origin(null, 0);

        @Override
        public String toString() {
            if (file == null) return "<memory>" + (line > 0 ? ":" + line : "");
            return line > 0 ? file + ":" + line : file.toString();
        }
    }

    private Example(LinkedHashMap<String, Object> fields, Origin origin) {
        this.fields = fields;
        this.origin = origin == null ? Origin.NONE : origin;
    }

    public static Example of(Map<String, ?> fields) {
        return of(fields, Origin.NONE);
    }

    public static Example of(Map<String, ?> fields, Origin origin) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (var e : fields.entrySet()) m.put(e.getKey(), normalize(e.getKey(), e.getValue()));
        return new Example(m, origin);
    }

    /** Convenience: {@code Example.of("a", 1, "b", "x")}. */
    public static Example of(Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("odd number of key/values");
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            String k = (String) keyValues[i];
            m.put(k, normalize(k, keyValues[i + 1]));
        }
        return new Example(m, Origin.NONE);
    }

    private static Object normalize(String key, Object v) {
        if (v == null || v instanceof String || v instanceof int[] || v instanceof Boolean || v instanceof Double
                || v instanceof Long) return v;
        if (v instanceof Integer i) return i.longValue();
        if (v instanceof Float f) return f.doubleValue();
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(o == null ? "" : o.toString());
            return Collections.unmodifiableList(out);
        }
        if (v instanceof String[] a) return List.of(a);
        throw new IllegalArgumentException("field '" + key + "': unsupported value type "
                + v.getClass().getSimpleName());
    }

    public Origin origin() {
        return origin;
    }

    public Example withOrigin(Origin o) {
        return new Example(fields, o);
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(fields);
    }

    public int size() {
        return fields.size();
    }

    public boolean has(String key) {
        return fields.get(key) != null;
    }

    public Object get(String key) {
        return fields.get(key);
    }

    /** The field as a string; a missing or non-string field is bad input and names this example's file and line. */
    public String string(String key) {
        Object v = fields.get(key);
        if (v instanceof String s) return s;
        if (v == null) throw bad(key, "missing");
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) return v.toString();
        throw bad(key, "expected a string, got " + typeName(v));
    }

    public int[] tokens(String key) {
        Object v = fields.get(key);
        if (v instanceof int[] a) return a;
        if (v == null) throw bad(key, "missing");
        throw bad(key, "expected token ids (was this feature tokenized?), got " + typeName(v));
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String key) {
        Object v = fields.get(key);
        if (v instanceof List<?> l) return (List<String>) l;
        if (v instanceof String s) return List.of(s);
        if (v == null) throw bad(key, "missing");
        throw bad(key, "expected a list of strings, got " + typeName(v));
    }

    /** Error about one field of this example, naming its file and line. */
    public BadExampleError bad(String key, String what) {
        return new BadExampleError(origin, key, what);
    }

    public Example with(String key, Object value) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>(fields);
        m.put(key, normalize(key, value));
        return new Example(m, origin);
    }

    public Example with(Map<String, ?> more) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>(fields);
        for (var e : more.entrySet()) m.put(e.getKey(), normalize(e.getKey(), e.getValue()));
        return new Example(m, origin);
    }

    public Example without(String key) {
        if (!fields.containsKey(key)) return this;
        LinkedHashMap<String, Object> m = new LinkedHashMap<>(fields);
        m.remove(key);
        return new Example(m, origin);
    }

    /** Mutable copy of the field map for preprocessors that rebuild an example. */
    public LinkedHashMap<String, Object> copyFields() {
        return new LinkedHashMap<>(fields);
    }

    /** A new example with exactly these fields and this example's origin. */
    public Example replaceFields(Map<String, ?> newFields) {
        return of(newFields, origin);
    }

    static String typeName(Object v) {
        if (v instanceof int[]) return "token ids";
        if (v instanceof List) return "list";
        return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Example e) || e.fields.size() != fields.size()) return false;
        for (var en : fields.entrySet()) {
            Object a = en.getValue(), b = e.fields.get(en.getKey());
            if (a instanceof int[] x) {
                if (!(b instanceof int[] y) || !Arrays.equals(x, y)) return false;
            } else if (a == null ? b != null || !e.fields.containsKey(en.getKey()) : !a.equals(b)) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (var en : fields.entrySet()) {
            Object v = en.getValue();
            h = 31 * h + en.getKey().hashCode() ^ (v instanceof int[] a ? Arrays.hashCode(a) : v == null ? 0
                    : v.hashCode());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (var en : fields.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(en.getKey()).append('=');
            Object v = en.getValue();
            sb.append(v instanceof int[] a ? Arrays.toString(a) : v instanceof String s ? '"' + s + '"'
                    : String.valueOf(v));
        }
        return sb.append('}').toString();
    }
}
