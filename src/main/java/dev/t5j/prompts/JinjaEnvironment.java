package dev.t5j.prompts;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import jinjava.javax.el.CompositeELResolver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * promptsource's Jinja2 {@code Environment(loader=BaseLoader)} with {@code zip} as a global and its three filters,
 * built on HubSpot Jinjava: Python method calls on strings/lists/dicts ({@link PythonMethods}) and Python-valued
 * filters ({@link PromptFilters}) close the gaps the templates hit. One instance is shared; rendering is thread-safe.
 */
public final class JinjaEnvironment {
    private static final JinjaEnvironment INSTANCE = new JinjaEnvironment();
    private final Jinjava jinjava;

    private JinjaEnvironment() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withElResolver(resolver)
                .withFailOnUnknownTokens(true)
                .build();
        jinjava = new Jinjava(config);
        for (Filter f : PromptFilters.all()) jinjava.getGlobalContext().registerFilter(f);
        try {
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "zip",
                    JinjaEnvironment.class.getMethod("zip", Object.class, Object.class)));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JinjaEnvironment get() {
        return INSTANCE;
    }

    /** Python's {@code zip(a, b)} as a list of tuples. */
    public static List<Object> zip(Object a, Object b) {
        List<Object> x = PyValues.iterate(a), y = PyValues.iterate(b), out = new ArrayList<>();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) out.add(new PyValues.Tuple(List.of(x.get(i), y.get(i))));
        return out;
    }

    /** A render failure: what Jinja2 would raise, or what Jinjava reported. */
    public static final class RenderError extends RuntimeException {
        RenderError(String message) {
            super(message);
        }
    }

    /** Renders {@code source} with {@code vars}; {@code random} feeds the {@code choice} filter. */
    public String render(String source, Map<String, Object> vars, PyRandom random) {
        Map<String, Object> ctx = new HashMap<>(vars);
        ctx.put(PromptFilters.RANDOM, random);
        Parsed p = parsed(source);
        Node node = p.node;
        JinjavaInterpreter in = new JinjavaInterpreter(jinjava, new Context(jinjava.getGlobalContext(), ctx), jinjava
                .getGlobalConfig());
        String output;
        JinjavaInterpreter.pushCurrent(in);
        try {
            output = in.render(node);
        } catch (RuntimeException e) {
            throw new RenderError(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        RenderResult r = new RenderResult(output, in.getContext(), in.getErrorsCopy());
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.UNKNOWN)
                throw new RenderError(describe(e));
        }
        if (!r.getErrors().isEmpty()) throw new RenderError(describe(r.getErrors().get(0)));
        if (r.getContext() != null) {
            for (String name : r.getContext().getResolvedValues()) {
                if (!ctx.containsKey(name) && p.readsUndeclared(name))
                    throw new RenderError("'" + name + "' is undefined (the example has no field '" + name + "')");
            }
        }
        return r.getOutput();
    }

    private final Map<String, Parsed> nodes = new ConcurrentHashMap<>();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z]\\w*");

    /** A template parsed once, with what the undefined-name check needs (it runs on every render). */
    private static final class Parsed {
        final String source;
        final Node node;
        final Set<String> declared;
        final Map<String, Boolean> undeclared = new ConcurrentHashMap<>();

        Parsed(String source, Node node) {
            this.source = source;
            this.node = node;
            this.declared = declaredNames(source);
        }

        /** Whether a resolved {@code name} that is no field of the example reads as an undefined variable. */
        boolean readsUndeclared(String name) {
            Boolean b = undeclared.get(name);
            if (b != null) return b;
            b = !declared.contains(name) && IDENTIFIER.matcher(name).matches() && readsAsVariable(source, name);
            if (undeclared.size() < 1_000) undeclared.put(name, b);
            return b;
        }
    }

    /** The parse tree of {@code source}, parsed once (Jinjava's own render re-parses on every call). */
    private Parsed parsed(String source) {
        Parsed cached = nodes.get(source);
        if (cached != null) return cached;
        Node n;
        JinjavaInterpreter in = jinjava.newInterpreter();
        JinjavaInterpreter.pushCurrent(in);
        try {
            n = in.parse(source);
        } catch (RuntimeException e) {
            throw new RenderError("template does not parse: " + e.getMessage());
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        for (TemplateError e : in.getErrorsCopy())
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) throw new RenderError("template does not parse: "
                    + describe(e));
        Parsed p = new Parsed(source, n);
        if (nodes.size() < 10_000) nodes.put(source, p);
        return p;
    }
    private static final Pattern FOR = Pattern.compile("\\{%-?\\s*for\\s+([\\w\\s,()]+?)\\s+in\\b");
    private static final Pattern SET = Pattern.compile("\\{%-?\\s*set\\s+(\\w+)");

    /**
     * Names a template binds itself (for-loop targets, set, loop): a name the render resolves that is neither one
     * of these nor a field of the example is undefined. Jinja2 would print it empty; here it is an error, since an
     * example in the HF layout has every field its templates read.
     */
    private static Set<String> declaredNames(String source) {
        Set<String> names = new HashSet<>(List.of("loop", "true", "false", "none", "True", "False", "None", "range",
                "filter", "exptest"));
        Matcher m = FOR.matcher(source);
        while (m.find()) for (String n : m.group(1).split("[\\s,()]+")) if (!n.isEmpty()) names.add(n);
        m = SET.matcher(source);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /**
     * Whether {@code name} occurs in {@code source} as a variable (Jinjava also reports attribute and method names
     * as resolved): not after a dot, not inside quotes.
     */
    private static boolean readsAsVariable(String source, String name) {
        for (int at = source.indexOf(name); at >= 0; at = source.indexOf(name, at + 1)) {
            int end = at + name.length();
            if (end < source.length() && (Character.isLetterOrDigit(source.charAt(end)) || source.charAt(end) == '_'
                    || source.charAt(end) == '\'' || source.charAt(end) == '"')) continue;
            int p = at - 1;
            if (p >= 0 && (Character.isLetterOrDigit(source.charAt(p)) || source.charAt(p) == '_'
                    || source.charAt(p) == '\'' || source.charAt(p) == '"')) continue;
            while (p >= 0 && Character.isWhitespace(source.charAt(p))) p--;
            if (p >= 0 && (source.charAt(p) == '.' || source.charAt(p) == '|')) continue; // attribute, filter
            return true;
        }
        return false;
    }

    private static String describe(TemplateError e) {
        String msg = e.getMessage();
        return (msg == null ? e.getReason().toString() : msg) + (e.getLineno() > 0 ? " (template line " + e.getLineno(
                ) + ")" : "");
    }
}
