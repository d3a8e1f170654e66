package dev.t5j.atlas.tasks;

import java.util.HashMap;
import java.util.Map;
import dev.t5j.retrieval.Passage;
import java.util.Map;

/**
 * Python's {@code str.format(**fields)} for the format strings Atlas takes from its flags ({@code --qa_prompt_format},
 * {@code --encoder_format}, {@code --retriever_format}): {@code {name}} is replaced, {@code {{}} and {@code }}} are
 * literal braces. Format specs and conversions ({@code {x:>5}}, {@code {x!r}}) are not supported and rejected, as is
 * an unknown name (Python's KeyError).
 */
public final class PyFormat {
    private PyFormat() {}

    /** Atlas's default {@code --encoder_format}: the reader's input for one (query, passage) pair. */
    public static final String ENCODER_FORMAT = "{query} title: {title} context: {text}";

    /**
     * The reader input as Atlas builds it: {@code encoder_format.format(query=query, **passage)}, the passage's
     * {@code id}, {@code title}, {@code text} and other fields available by name.
     */
    public static String readerInput(String encoderFormat, String query, Passage p) {
        Map<String, Object> fields = passageFields(p);
        fields.put("query", query);
        return format(encoderFormat, fields);
    }

    /**
     * The retriever's passage string: {@code retriever_format.format(**passage)} (default {@code "{title} {text}"}).
     */
    public static String retrieverInput(String retrieverFormat, Passage p) {
        return format(retrieverFormat, passageFields(p));
    }

    private static Map<String, Object> passageFields(Passage p) {
        Map<String, Object> fields = new HashMap<>(p.extra());
        fields.put("id", p.id());
        fields.put("title", p.title());
        fields.put("text", p.text());
        return fields;
    }

    /** @throws IllegalArgumentException for a name not in {@code fields} or a malformed brace */
    public static String format(String fmt, Map<String, ?> fields) {
        StringBuilder out = new StringBuilder(fmt.length() + 64);
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '{') {
                if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
                    out.append('{');
                    i++;
                    continue;
                }
                int end = fmt.indexOf('}', i);
                if (end < 0) throw new IllegalArgumentException("format string '" + fmt + "': single '{' without '}'");
                String name = fmt.substring(i + 1, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new IllegalArgumentException("format string '" + fmt + "': unsupported field '{" + name
                            + "}' (only {name})");
                }
                if (!fields.containsKey(name)) {
                    throw new IllegalArgumentException("format string '" + fmt + "': unknown field '{" + name
                            + "}'; known: " + fields.keySet());
                }
                out.append(fields.get(name));
                i = end;
            } else if (c == '}') {
                if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
                    out.append('}');
                    i++;
                } else {
                    throw new IllegalArgumentException("format string '" + fmt + "': single '}' encountered");
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
