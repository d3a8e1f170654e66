package dev.t5j.atlas.tasks;

import dev.t5j.retrieval.Passage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pieces every task shares: the file's passages, Atlas's gold-answer rule, the default metadata. */
final class TaskFields {
    private TaskFields() {}

    /** The {@code passages: [{id,title,text,...}]} field ({@code --use_file_passages}); empty when absent. */
    @SuppressWarnings("unchecked")
    static List<Passage> filePassages(Map<String, Object> json) {
        Object v = json.get("passages");
        if (v == null) return List.of();
        if (!(v instanceof List<?> list)) throw new FieldError("passages", "expected a list of passage objects, got "
                + Fields.typeName(v));
        List<Passage> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String f = "passages[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) throw new FieldError(f, "expected an object, got "
                    + Fields.typeName(list.get(i)));
            Map<String, Object> p = (Map<String, Object>) m;
            String text;
            try {
                text = Fields.string(p, "text");
            } catch (FieldError e) {
                throw new FieldError(f + ".text", e.what());
            }
            String title = p.get("title") == null ? "" : String.valueOf(p.get("title"));
            Object id = p.get("id");
            Map<String, Object> extra = new LinkedHashMap<>(p);
            extra.remove("id");
            extra.remove("title");
            extra.remove("text");
            out.add(new Passage(id == null ? null : String.valueOf(id), title, text, extra));
        }
        return out;
    }

    /** Atlas's evaluation gold: the example's {@code answers} when it has that field, else {@code [target]}. */
    static List<String> gold(Map<String, Object> json, String target) {
        if (json.containsKey("answers")) return Fields.stringList(json, "answers");
        return target == null ? List.of() : List.of(target);
    }

    /** {@code example.get("metadata", {})}, copied. */
    static Map<String, Object> metadataOrEmpty(Map<String, Object> json) {
        Map<String, Object> m = Fields.optObject(json, "metadata");
        return m == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m);
    }

    /** Atlas's {@code metadata = {"id": example["id"]}} of lm and section (a KeyError there when id is missing). */
    static Map<String, Object> idMetadata(Map<String, Object> json) {
        if (!json.containsKey("id")) throw new FieldError("id",
                "missing (this task filters retrieved passages by the example's id)");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", json.get("id"));
        return m;
    }

    static String qaPrompt(String question) {
        return "question: " + question + " answer: <extra_id_0>";
    }

    static String prefixedTarget(String answer) {
        return "<extra_id_0> " + answer;
    }
}
