package dev.t5j.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every template of the 19 promptsource files whose datasets ship under ../shared/data, rendered on a few rows of
 * each, equals Python Jinja2 + promptsource's Template.apply (golden.jsonl, made once by make_fixture.py).
 */
class PromptParityTest {
    static final Path DIR = Path.of("src/test/resources/dev/t5j/prompts");

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(String key) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("rows/" + key.replace("/", "__") + ".jsonl")))
            out.add(Json.MAPPER.readValue(line, Map.class));
        return out;
    }

    @Test
    void everyTemplateRendersAsPromptsource() throws IOException {
        Map<String, TemplateFile> files = new HashMap<>();
        Map<String, List<Map<String, Object>>> rows = new HashMap<>();
        List<String> diffs = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(DIR.resolve("golden.jsonl"))) {
            JsonNode g = Json.MAPPER.readTree(line);
            String key = g.get("templates").asText();
            TemplateFile f = files.computeIfAbsent(key, k -> TemplateFile.load(DIR.resolve("templates/" + k
                    + "/templates.yaml")));
            List<Map<String, Object>> rs = rows.computeIfAbsent(key, k -> {
                try {
                    return rows(k);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            int row = g.get("row").asInt();
            String what = key + " / " + g.get("template").asText() + " / row " + row;
            PromptTemplate t = f.template(g.get("template").asText());
            Prompts.Rendered r;
            try {
                r = Prompts.render(t, rs.get(row), row);
            } catch (RuntimeException e) {
                if (!g.has("error")) diffs.add(what + ": Java failed: " + e.getMessage());
                continue;
            }
            n++;
            if (g.has("error")) {
                diffs.add(what + ": Python failed (" + g.get("error").asText() + "), Java rendered");
                continue;
            }
            List<String> parts = new ArrayList<>();
            g.get("parts").forEach(p -> parts.add(p.asText()));
            if (!parts.equals(r.parts())) diffs.add(what + ":\n  python " + parts + "\n  java   " + r.parts());
            List<String> choices = null;
            if (!g.get("answer_choices").isNull()) {
                choices = new ArrayList<>();
                for (JsonNode c : g.get("answer_choices")) choices.add(c.asText());
            }
            if (choices == null ? r.answerChoices() != null : !choices.equals(r.answerChoices()))
                diffs.add(what + ": choices\n  python " + choices + "\n  java   " + r.answerChoices());
        }
        assertTrue(n > 500, "renders compared: " + n);
        assertEquals("", String.join("\n", diffs.subList(0, Math.min(40, diffs.size()))), diffs.size()
                + " differences");
    }
}
