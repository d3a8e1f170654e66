package dev.t5j.prompts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * promptsource's {@code Template.apply} and {@code get_answer_choices_list} (promptsource/templates.py, HEAD 7dab96a)
 * and t-zero's use of them ({@code t0/seqio_tasks/utils.py apply_template}). See docs/t0.md.
 */
public final class Prompts {
    /** promptsource TEXT_VAR_LENGTH: every {@code {{ }}} value is cut to this many characters. */
    public static final int TEXT_VAR_LENGTH = 2048;
    /** promptsource's pipe_protector: stands for {@code |||} inside field values while the render is split. */
    static final String PIPE_PROTECTOR = "3ed2dface8203c4c9dfb1a5dc58e41e0";
    /** t-zero's target for a rendered but empty target. */
    public static final String NO_LABEL = "<NO LABEL>";

    private Prompts() {}

    /** The raw parts of a render (split on {@code |||}, each stripped) and the answer choices (null: open-ended). */
    public record Rendered(List<String> parts, List<String> answerChoices) {
        /** t-zero's inputs/targets: two parts, an empty target becoming {@link #NO_LABEL}; otherwise both empty. */
        public String inputs() {
            return parts.size() == 2 ? parts.get(0) : "";
        }

        public String targets() {
            if (parts.size() != 2) return "";
            return parts.get(1).isEmpty() ? NO_LABEL : parts.get(1);
        }

        /** t-zero's filter: examples with an empty input or target are dropped. */
        public boolean kept() {
            return !inputs().isEmpty() && !targets().isEmpty();
        }
    }

    /** t-zero's {@code removeHyphen}: {@code -} in field names becomes {@code _}. */
    public static Map<String, Object> removeHyphen(Map<String, Object> example) {
        Map<String, Object> out = new LinkedHashMap<>();
        example.forEach((k, v) -> out.put(k.replace('-', '_'), v));
        return out;
    }

    /**
     * Renders {@code t} on {@code example} (after removeHyphen) as t-zero does: {@code apply} then
     * {@code get_answer_choices_list}, drawing the {@code choice} filter from Python's random seeded with {@code seed}.
     */
    public static Rendered render(PromptTemplate t, Map<String, Object> example, long seed) {
        Map<String, Object> ex = removeHyphen(example);
        PyRandom random = new PyRandom(seed);
        List<String> parts = apply(t, ex, random);
        return new Rendered(parts, answerChoices(t, ex, random));
    }

    /** {@code Template.apply(example, truncate=True)}. */
    static List<String> apply(PromptTemplate t, Map<String, Object> example, PyRandom random) {
        if (example.containsKey("answer_choices"))
            throw new JinjaEnvironment.RenderError("Example contains the restricted key 'answer_choices'.");
        String jinja = TRUNCATING.get(t.jinja());
        if (jinja == null) {
            jinja = t.jinja().replace("}}", " | string | truncate(" + TEXT_VAR_LENGTH + ") }}");
            if (TRUNCATING.size() < 100_000) TRUNCATING.put(t.jinja(), jinja);
        }
        Map<String, Object> vars = escapePipe(example);
        vars.put("answer_choices", answerChoices(t, example, random));
        String out = JinjaEnvironment.get().render(jinja, vars, random);
        List<String> parts = new ArrayList<>();
        for (String p : PyValues.split(out, "|||")) parts.add(PyValues.strip(p.replace(PIPE_PROTECTOR, "|||")));
        return parts;
    }

    /** {@code get_answer_choices_list(example)}: null when the template has no choices. */
    static List<String> answerChoices(PromptTemplate t, Map<String, Object> example, PyRandom random) {
        if (t.answerChoices() == null) return null;
        // static choices (no field, no random filter) are the same for every example: rendered once per template
        Optional<List<String>> fixed = FIXED.get(t.answerChoices());
        if (fixed == null) {
            boolean usesRandom = t.answerChoices().contains("choice");
            fixed = Optional.ofNullable(usesRandom ? null : renderFixed(t));
            if (FIXED.size() < 100_000) FIXED.put(t.answerChoices(), fixed);
        }
        if (fixed.isPresent()) return fixed.get();
        String source = PRINTING.computeIfAbsent(t.answerChoices(), Prompts::printAsPython);
        String out = JinjaEnvironment.get().render(source, escapePipe(example), random);
        List<String> choices = new ArrayList<>();
        for (String c : PyValues.split(out, "|||")) choices.add(PyValues.strip(c).replace(PIPE_PROTECTOR, "|||"));
        return choices;
    }

    /**
     * {@code get_fixed_answer_choices_list()}: the choices when the expression reads no example field (rendered on
     * an empty example; Jinja2 decides on the parsed expression, which differs only for fields read in branches
     * that an empty example does not take), else null.
     */
    public static List<String> fixedAnswerChoices(PromptTemplate t) {
        if (t.answerChoices() == null) return null;
        return renderFixed(t);
    }

    private static final Map<String, Optional<List<String>>> FIXED = new ConcurrentHashMap<>();
    /** The rewritten sources, made once per template: the same String instance then makes the parse-cache lookup
     * cheap (hash cached, equals by identity) instead of rewriting and rehashing the template on every render. */
    private static final Map<String, String> TRUNCATING = new ConcurrentHashMap<>();
    private static final Map<String, String> PRINTING = new ConcurrentHashMap<>();

    private static List<String> renderFixed(PromptTemplate t) {
        try {
            String out = JinjaEnvironment.get().render(printAsPython(t.answerChoices()), Map.of(), new PyRandom(0));
            List<String> choices = new ArrayList<>();
            for (String c : PyValues.split(out, "|||")) choices.add(PyValues.strip(c));
            return List.copyOf(choices);
        } catch (JinjaEnvironment.RenderError e) {
            return null;
        }
    }

    /** Jinja2 prints values with Python's str(); Jinjava with Java's: route every print through {@code string}. */
    static String printAsPython(String jinja) {
        return jinja.replace("}}", " | string }}");
    }

    private static Map<String, Object> escapePipe(Map<String, Object> example) {
        Map<String, Object> out = new LinkedHashMap<>();
        example.forEach((k, v) -> out.put(k, v instanceof String s ? s.replace("|||", PIPE_PROTECTOR) : v));
        return out;
    }
}
