package dev.t5j.data;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * A string template such as {@code "nq question: {question}"}: {@code {name}} is replaced by the example's field
 * (a list field is joined with ", "), {@code {{} and {@code }}} are literal braces. Parsed once, applied per example.
 */
public final class Template {
    private final String source;
    private final List<String> literals = new ArrayList<>(); // literals.size() == fields.size() + 1
    private final List<String> fields = new ArrayList<>();

    public Template(String template) {
        this.source = template;
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                lit.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) throw new UserError("template \"" + template + "\": unclosed '{' at character " + i);
                String name = template.substring(i + 1, end).trim();
                if (name.isEmpty()) throw new UserError("template \"" + template + "\": empty field name at character "
                        + i);
                literals.add(lit.toString());
                lit.setLength(0);
                fields.add(name);
                i = end + 1;
            } else if (c == '}') {
                throw new UserError("template \"" + template + "\": unmatched '}' at character " + i
                        + " (write }} for a literal brace)");
            } else {
                lit.append(c);
                i++;
            }
        }
        literals.add(lit.toString());
    }

    public List<String> fields() {
        return List.copyOf(fields);
    }

    public String apply(Example e) {
        StringBuilder sb = new StringBuilder(source.length() + 64);
        for (int k = 0; k < fields.size(); k++) {
            sb.append(literals.get(k));
            String f = fields.get(k);
            Object v = e.get(f);
            if (v == null) throw e.bad(f, "missing (used by template \"" + source + "\")");
            if (v instanceof List<?> l) sb.append(String.join(", ", e.strings(f)));
            else sb.append(e.string(f));
        }
        sb.append(literals.get(fields.size()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
