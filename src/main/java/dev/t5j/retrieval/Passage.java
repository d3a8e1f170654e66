package dev.t5j.retrieval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One passage of a retrieval corpus, as Atlas's jsonl ({@code {"id","title","text"[,"section"]}}). {@code title} is
 * already merged with a non-empty section ({@code "title: section"}), as Atlas's loader does; other fields are kept in
 * {@code extra} (insertion order) so that written results and saved indexes give them back.
 */
public record Passage(String id, String title, String text, Map<String, Object> extra) {
    /** Atlas's default {@code --retriever_format}. */
    public static final String RETRIEVER_FORMAT = "{title} {text}";

    public Passage {
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        title = title == null ? "" : title;
    }

    public static Passage of(String id, String title, String text) {
        return new Passage(id, title, text, Map.of());
    }

    /** The string the retriever embeds: {@code format} with {@code {title}} and {@code {text}} filled in. */
    public String format(String format) {
        return format.replace("{title}", title).replace("{text}", text);
    }

    /** {@code "{title} {text}"}: the passage as the retriever sees it by default. */
    public String retrieverText() {
        return title + " " + text;
    }
}
