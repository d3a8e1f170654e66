package dev.t5j.prompts;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's view of the values a template sees: {@code str()} and {@code repr()} (what Jinja2 prints), truthiness,
 * {@code str.strip()} and {@code str.split()} whitespace, {@code len()} in code points. Values are what JSON gives:
 * String, Boolean, Integer/Long/BigInteger, Double, List, Map, null (Python None).
 */
public final class PyValues {
    private PyValues() {}

    /** A Python tuple (what {@code zip} yields): printed with parentheses, otherwise a list. */
    public static final class Tuple extends ArrayList<Object> {
        public Tuple(Collection<?> items) {
            super(items);
        }
    }

    /** {@code str(v)}. */
    public static String str(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof CharSequence cs) return cs.toString();
        return repr(v);
    }

    /** {@code repr(v)}. */
    public static String repr(Object v) {
        if (v == null) return "None";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof Double || v instanceof Float) return floatRepr(((Number) v).doubleValue());
        if (v instanceof BigDecimal d) return floatRepr(d.doubleValue());
        if (v instanceof Number n) return n.toString();
        if (v instanceof CharSequence s) return stringRepr(s.toString());
        if (v instanceof Tuple t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < t.size(); i++) sb.append(i > 0 ? ", " : "").append(repr(t.get(i)));
            return sb.append(t.size() == 1 ? ",)" : ")").toString();
        }
        if (v instanceof Collection<?> c) {
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Object o : c) {
                sb.append(first ? "" : ", ").append(repr(o));
                first = false;
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (var e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        return v.toString();
    }

    /** CPython float repr: shortest round-trip digits, fixed notation for exponents -4..15, else d.ddde±XX. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = b.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - b.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = b.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    private static String stringRepr(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == q || c == '\\') sb.append('\\').appendCodePoint(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
            else if (!isPrintable(c)) sb.append(c <= 0xff ? String.format("\\x%02x", c)
                    : c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
            else sb.appendCodePoint(c);
        }
        return sb.append(q).toString();
    }

    private static boolean isPrintable(int c) {
        int t = Character.getType(c);
        if (c == ' ') return true;
        return !(t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE || t == Character
                .UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR
                || t == Character.SPACE_SEPARATOR);
    }

    /** Python's {@code str.isspace()} for one code point (str.strip() and str.split() whitespace). */
    public static boolean isSpace(int c) {
        return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f
                || c == 0x3000;
    }

    /** {@code s.strip()}. */
    public static String strip(String s) {
        int a = 0, b = s.length();
        while (a < b && isSpace(s.charAt(a))) a++;
        while (b > a && isSpace(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }

    public static String lstrip(String s) {
        int a = 0;
        while (a < s.length() && isSpace(s.charAt(a))) a++;
        return s.substring(a);
    }

    public static String rstrip(String s) {
        int b = s.length();
        while (b > 0 && isSpace(s.charAt(b - 1))) b--;
        return s.substring(0, b);
    }

    /** {@code s.split()} (runs of whitespace, no empty items). */
    public static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isSpace(s.charAt(i))) i++;
            int j = i;
            while (j < s.length() && !isSpace(s.charAt(j))) j++;
            if (j > i) out.add(s.substring(i, j));
            i = j;
        }
        return out;
    }

    /** {@code s.split(sep)} with a literal separator, empty items kept. */
    public static List<String> split(String s, String sep) {
        if (sep.isEmpty()) throw new IllegalArgumentException("empty separator");
        List<String> out = new ArrayList<>();
        int from = 0, at;
        while ((at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** Python truthiness. */
    public static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.doubleValue() != 0;
        if (v instanceof CharSequence s) return s.length() > 0;
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    /** Iterates like Python: strings by character (code point), maps by key, collections by item. */
    public static List<Object> iterate(Object v) {
        List<Object> out = new ArrayList<>();
        if (v instanceof CharSequence s) s.toString().codePoints().forEach(c -> out.add(new String(Character.toChars(
                c))));
        else if (v instanceof Map<?, ?> m) out.addAll(m.keySet());
        else if (v instanceof Collection<?> c) out.addAll(c);
        else if (v != null && v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) out.add(Array.get(v, i));
        } else throw new IllegalArgumentException("'" + typeName(v) + "' object is not iterable");
        return out;
    }

    public static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof CharSequence) return "str";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) return "float";
        if (v instanceof Number) return "int";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof Collection) return "list";
        if (v instanceof Map) return "dict";
        return v.getClass().getSimpleName();
    }
}
