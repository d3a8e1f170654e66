package dev.t5j.prompts;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import jinjava.javax.el.CompositeELResolver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        RenderResult r;
        try {
            r = jinjava.renderForResult(source, ctx);
        } catch (RuntimeException e) {
            throw new RenderError(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.UNKNOWN)
                throw new RenderError(describe(e));
        }
        if (!r.getErrors().isEmpty()) throw new RenderError(describe(r.getErrors().get(0)));
        return r.getOutput();
    }

    private static String describe(TemplateError e) {
        String msg = e.getMessage();
        return (msg == null ? e.getReason().toString() : msg) + (e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : "");
    }
}
