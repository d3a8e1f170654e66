package dev.t5j.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders templates of one file on the rows of a JSON-lines file (HF field layout, each row used as it is): for each
 * template, the rows in input order. The {@code choice} filter is seeded with the row's 0-based line index.
 */
public final class PromptFileRenderer {
    private PromptFileRenderer() {}

    /** One output row of {@code t5j prompts render}. */
    public record Row(String template, String id, String inputs, String targets, List<String> answerChoices) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("template", template);
            m.put("id", id);
            m.put("inputs", inputs);
            m.put("targets", targets);
            m.put("answer_choices", answerChoices);
            return m;
        }
    }

    /** Reads a JSON-lines file of example objects (blank lines skipped), each with its 1-based line number. */
    public static List<Map.Entry<Long, Map<String, Object>>> readRows(Path input) {
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(input + ": cannot read: " + e.getMessage());
        }
        List<Map.Entry<Long, Map<String, Object>>> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode n = Json.readLine(input, i + 1, lines.get(i));
            if (!n.isObject()) throw UserError.at(input, i + 1, null, "expected a JSON object (one example per line)");
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Json.MAPPER.convertValue(n, LinkedHashMap.class);
            rows.add(Map.entry((long) (i + 1), m));
        }
        return rows;
    }

    /** Renders {@code names} (all templates when empty) of {@code file} on every row of {@code input}. */
    public static List<Row> render(TemplateFile file, List<String> names, Path input) {
        List<PromptTemplate> ts = names.isEmpty() ? file.templates() : names.stream().map(file::template).toList();
        var rows = readRows(input);
        List<Row> out = new ArrayList<>();
        for (PromptTemplate t : ts) {
            int index = 0;
            for (var row : rows) {
                Prompts.Rendered r = renderChecked(file.path(), t, input, row.getKey(), row.getValue(), index++);
                out.add(new Row(t.name(), t.id(), r.inputs(), r.targets(), r.answerChoices()));
            }
        }
        return out;
    }

    /**
     * Renders one row; a render failure or a target outside the answer choices becomes one {@link UserError} naming
     * the template file, the template (name and id), the example file and line, and the field when known.
     */
    public static Prompts.Rendered renderChecked(Path templates, PromptTemplate t, Path input, long line,
                                                 Map<String, Object> example, long seed) {
        String where = input + ":" + line + ": template '" + t.name() + "' (" + t.id() + ", " + templates + ")";
        Prompts.Rendered r;
        try {
            r = Prompts.render(t, example, seed);
        } catch (JinjaEnvironment.RenderError e) {
            throw new UserError(where + ": " + e.getMessage());
        }
        if (r.answerChoices() != null && r.parts().size() == 2 && !r.parts().get(1).isEmpty()
                && !r.answerChoices().contains(r.parts().get(1)))
            throw new UserError(where + ": target '" + r.parts().get(1) + "' is not among the answer choices "
                    + r.answerChoices());
        return r;
    }
}
