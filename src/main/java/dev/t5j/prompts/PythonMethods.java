package dev.t5j.prompts;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Python {@code str}/{@code list}/{@code dict} methods promptsource templates call ({@code ', '.join(xs)},
 * {@code choices.index(answer)}, {@code word.lower()}, {@code text.split()}...), which Jinja2 resolves on the Python
 * objects and Jinjava cannot (Java strings have no {@code join} or {@code lower}). Placed before Jinjava's resolvers;
 * anything else is left to them.
 */
final class PythonMethods extends ELResolver {
    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) return null;
        Object[] p = params == null ? new Object[0] : params;
        String m = method.toString();
        Object out;
        if (base instanceof Filter f) {
            // Jinjava calls a filter as filter:NAME.filter(value, interpreter, args, kwargs) through its bean
            // resolver, which looks the method up by reflection on every call; the same call made directly
            // (exceptions wrapped as that resolver wraps them)
            if (!m.equals("filter") || p.length != 4 || !(p[1] instanceof JinjavaInterpreter in)
                    || !(p[2] instanceof Object[] args) || !(p[3] instanceof Map<?, ?> kw)) return null;
            @SuppressWarnings("unchecked") Map<String, Object> kwargs = (Map<String, Object>) kw;
            try {
                out = f.filter(p[0], in, args, kwargs);
            } catch (RuntimeException e) {
                throw new ELException(e);
            }
            context.setPropertyResolved(true);
            return out;
        }
        if (base instanceof CharSequence cs) out = stringMethod(cs.toString(), m, p);
        else if (base instanceof List<?> l) out = listMethod(l, m, p);
        else if (base instanceof Map<?, ?> map) out = mapMethod(map, m, p);
        else return null;
        if (out == NONE) return null;
        context.setPropertyResolved(true);
        return out;
    }

    private static final Object NONE = new Object();

    private static Object stringMethod(String s, String m, Object[] p) {
        switch (m) {
            case "join": {
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object o : PyValues.iterate(p[0])) {
                    if (!(o instanceof CharSequence)) throw new IllegalArgumentException(
                            "sequence item: expected str instance, " + PyValues.typeName(o) + " found");
                    sb.append(first ? "" : s).append(o);
                    first = false;
                }
                return sb.toString();
            }
            case "lower": return s.toLowerCase(Locale.ROOT);
            case "upper": return s.toUpperCase(Locale.ROOT);
            case "strip": return p.length == 0 || p[0] == null ? PyValues.strip(s) : stripChars(s, PyValues.str(p[0]),
                    true, true);
            case "lstrip": return p.length == 0 || p[0] == null ? PyValues.lstrip(s) : stripChars(s, PyValues.str(
                    p[0]), true, false);
            case "rstrip": return p.length == 0 || p[0] == null ? PyValues.rstrip(s) : stripChars(s, PyValues.str(
                    p[0]), false, true);
            case "split": return p.length == 0 || p[0] == null ? PyValues.splitWhitespace(s) : PyValues.split(s,
                    PyValues.str(p[0]));
            case "replace": return s.replace(PyValues.str(p[0]), PyValues.str(p[1]));
            case "startswith": return s.startsWith(PyValues.str(p[0]));
            case "endswith": return s.endsWith(PyValues.str(p[0]));
            case "capitalize": return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1)
                    .toLowerCase(Locale.ROOT);
            case "title": return title(s);
            case "count": return (long) PyValues.split(s, PyValues.str(p[0])).size() - 1;
            case "find": return (long) s.indexOf(PyValues.str(p[0]));
            case "index": {
                int i = s.indexOf(PyValues.str(p[0]));
                if (i < 0) throw new IllegalArgumentException("substring not found");
                return (long) i;
            }
            case "isdigit": return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            default: return NONE;
        }
    }

    private static Object listMethod(List<?> l, String m, Object[] p) {
        switch (m) {
            case "index": {
                for (int i = 0; i < l.size(); i++) if (PromptFilters.pyEquals(l.get(i), p[0])) return (long) i;
                throw new IllegalArgumentException(PyValues.repr(p[0]) + " is not in list");
            }
            case "count": {
                long n = 0;
                for (Object o : l) if (PromptFilters.pyEquals(o, p[0])) n++;
                return n;
            }
            default: return NONE;
        }
    }

    private static Object mapMethod(Map<?, ?> map, String m, Object[] p) {
        switch (m) {
            case "keys": return new ArrayList<>(map.keySet());
            case "values": return new ArrayList<>(map.values());
            case "items": {
                List<Object> out = new ArrayList<>();
                for (var e : map.entrySet()) out.add(new PyValues.Tuple(List.of(e.getKey(), e.getValue())));
                return out;
            }
            case "get": return map.containsKey(p[0]) ? map.get(p[0]) : p.length > 1 ? p[1] : null;
            default: return NONE;
        }
    }

    private static String stripChars(String s, String chars, boolean left, boolean right) {
        int a = 0, b = s.length();
        while (left && a < b && chars.indexOf(s.charAt(a)) >= 0) a++;
        while (right && b > a && chars.indexOf(s.charAt(b - 1)) >= 0) b--;
        return s.substring(a, b);
    }

    /** {@code str.title()}: a letter after a non-letter is upper-cased, other letters lower-cased. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(prevCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    @Override public Object getValue(ELContext context, Object base, Object property) { return null; }
    @Override public Class<?> getType(ELContext context, Object base, Object property) { return null; }
    @Override public void setValue(ELContext context, Object base, Object property, Object value) {}
    @Override public boolean isReadOnly(ELContext context, Object base, Object property) { return true; }
    @Override public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) { return null; }
    @Override public Class<?> getCommonPropertyType(ELContext context, Object base) { return Object.class; }
}
