package dev.t5j.prompts;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Filters with Python Jinja2's semantics where Jinjava's differ ({@code string} is Python {@code str()},
 * {@code truncate} has Jinja2's leeway of 5 and word boundary, {@code join} stringifies like Python, {@code round}
 * returns a float rounded half-even on the exact binary value as Python's {@code round}), and promptsource's own
 * filters ({@code choice} seeded, {@code most_frequent}, {@code highlight}; promptsource/templates.py).
 */
final class PromptFilters {
    /** Context key of the render's {@link PyRandom} (the {@code choice} filter). */
    static final String RANDOM = "__t5j_prompt_random__";

    private PromptFilters() {}

    static List<Filter> all() {
        return List.of(
                filter("string", (v, a) -> PyValues.str(v)),
                filter("truncate", PromptFilters::truncate),
                filter("join", PromptFilters::join),
                filter("round", PromptFilters::round),
                filter("replace", (v, a) -> PyValues.str(v).replace(PyValues.str(a[0]), PyValues.str(a[1]))),
                filter("highlight", (v, a) -> "<span style='color: #F08080'>" + PyValues.str(v) + "</span>"),
                filter("most_frequent", (v, a) -> mostFrequent(v)),
                new Filter() {
                    @Override public String getName() { return "choice"; }
                    @Override public Object filter(Object v, JinjavaInterpreter in, String... args) {
                        PyRandom r = (PyRandom) in.getContext().get(RANDOM);
                        return r.choice(PyValues.iterate(v));
                    }
                });
    }

    interface Fn {
        Object apply(Object value, Object[] args);
    }

    private static Filter filter(String name, Fn fn) {
        return new Filter() {
            @Override public String getName() { return name; }
            @Override public Object filter(Object v, JinjavaInterpreter in, String... args) { return fn.apply(v,
                    args); }
            @Override public Object filter(Object v, JinjavaInterpreter in, Object[] args, Map<String, Object> kw) {
                return fn.apply(v, args);
            }
        };
    }

    /** Jinja2 {@code do_truncate(s, length=255, killwords=False, end='...', leeway=5)}, lengths in code points. */
    static String truncate(Object v, Object[] a) {
        String s = PyValues.str(v);
        int length = a.length > 0 ? toInt(a[0]) : 255;
        boolean killwords = a.length > 1 && PyValues.truthy(a[1]) && !"false".equalsIgnoreCase(PyValues.str(a[1]));
        String end = a.length > 2 ? PyValues.str(a[2]) : "...";
        int leeway = a.length > 3 ? toInt(a[3]) : 5;
        int n = s.codePointCount(0, s.length());
        if (n <= length + leeway) return s;
        String head = s.substring(0, s.offsetByCodePoints(0, length - end.length()));
        if (killwords) return head + end;
        int sp = head.lastIndexOf(' ');
        return (sp >= 0 ? head.substring(0, sp) : head) + end;
    }

    /** Jinja2 {@code join(value, d='')}: str() of each item of the iterable. */
    static String join(Object v, Object[] a) {
        String d = a.length > 0 && a[0] != null ? PyValues.str(a[0]) : "";
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Object o : PyValues.iterate(v)) {
            sb.append(first ? "" : d).append(PyValues.str(o));
            first = false;
        }
        return sb.toString();
    }

    /** Jinja2 {@code round(value, precision=0, method='common')} (common = Python round: half-even, float result). */
    static Object round(Object v, Object[] a) {
        int precision = a.length > 0 ? toInt(a[0]) : 0;
        String method = a.length > 1 ? PyValues.str(a[1]) : "common";
        double x = toDouble(v);
        RoundingMode mode = switch (method) {
            case "common" -> RoundingMode.HALF_EVEN;
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> throw new IllegalArgumentException("method must be common, ceil or floor, not " + method);
        };
        return new BigDecimal(x).setScale(precision, mode).doubleValue();
    }

    /** promptsource {@code most_frequent}: the items of highest count, in first-occurrence order (Counter). */
    static Object mostFrequent(Object v) {
        List<Object> items = PyValues.iterate(v);
        if (items.isEmpty()) return null;
        Map<Object, Integer> counts = new LinkedHashMap<>();
        for (Object o : items) counts.merge(o, 1, Integer::sum);
        int max = counts.values().stream().max(Integer::compare).orElse(0);
        List<Object> out = new ArrayList<>();
        counts.forEach((k, c) -> {
            if (c == max) out.add(k);
        });
        return out;
    }

    static boolean pyEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        if (a instanceof CharSequence x && b instanceof CharSequence y) return x.toString().equals(y.toString());
        return a == null ? b == null : a.equals(b);
    }

    static int toInt(Object o) {
        if (o instanceof Number n) return n.intValue();
        return (int) Double.parseDouble(PyValues.str(o).strip());
    }

    static double toDouble(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        return Double.parseDouble(PyValues.str(o).strip());
    }
}
