package dev.t5j.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One promptsource {@code templates.yaml} (promptsource's DatasetTemplates): {@code dataset}, optional {@code subset},
 * and {@code templates: {uuid: !Template {...}}}. The {@code !Template}/{@code !TemplateMetadata} tags are read as
 * plain mappings. Templates are kept sorted by name, promptsource's {@code all_template_names} order.
 */
public record TemplateFile(Path path, String dataset, String subset, List<PromptTemplate> templates) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** "dataset" or "dataset/subset" (the folder under promptsource/templates). */
    public String key() {
        return subset == null ? dataset : dataset + "/" + subset;
    }

    public PromptTemplate template(String name) {
        for (PromptTemplate t : templates) if (t.name().equals(name) || t.id().equals(name)) return t;
        List<String> names = templates.stream().map(PromptTemplate::name).toList();
        throw new UserError(path + ": no template named '" + name + "' (templates: " + String.join(", ", names) + ")");
    }

    public static TemplateFile load(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new UserError(file + ": not a promptsource templates file: " + msg);
        }
        if (root == null || !root.isObject() || !root.path("dataset").isTextual())
            throw new UserError(file + ": field 'dataset': missing (not a promptsource templates.yaml)");
        JsonNode ts = root.path("templates");
        if (!ts.isObject()) throw new UserError(file + ": field 'templates': missing or not a mapping");
        List<PromptTemplate> out = new ArrayList<>();
        var it = ts.fields();
        while (it.hasNext()) {
            var e = it.next();
            out.add(template(file, e.getKey(), e.getValue()));
        }
        out.sort(Comparator.comparing(PromptTemplate::name));
        JsonNode subset = root.path("subset");
        return new TemplateFile(file, root.get("dataset").asText(), subset.isTextual() ? subset.asText() : null,
                List.copyOf(out));
    }

    private static PromptTemplate template(Path file, String key, JsonNode n) {
        String where = file + ": template " + key;
        if (!n.isObject()) throw new UserError(where + ": not a mapping");
        for (String f : List.of("name", "jinja"))
            if (!n.path(f).isTextual()) throw new UserError(where + ": field '" + f + "': missing or not a string");
        JsonNode m = n.path("metadata");
        PromptTemplate.Metadata meta = m.isObject()
                ? new PromptTemplate.Metadata(bool(m, "original_task"), bool(m, "choices_in_prompt"),
                        strings(m.path("metrics")), strings(m.path("languages")))
                : PromptTemplate.Metadata.EMPTY;
        JsonNode ac = n.path("answer_choices");
        return new PromptTemplate(n.path("id").isTextual() ? n.get("id").asText() : key, n.get("name").asText(),
                n.get("jinja").asText(), n.path("reference").asText(""), ac.isNull() || ac.isMissingNode() ? null : ac
                        .asText(),
                meta);
    }

    private static Boolean bool(JsonNode m, String f) {
        return m.path(f).isBoolean() ? m.get(f).asBoolean() : null;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** A file, or every {@code templates.yaml} under a folder (sorted by path). */
    public static List<TemplateFile> loadAll(Path fileOrDir) {
        if (!Files.exists(fileOrDir)) throw new UserError(fileOrDir + ": no such file or folder");
        if (Files.isRegularFile(fileOrDir)) return List.of(load(fileOrDir));
        try (Stream<Path> s = Files.walk(fileOrDir)) {
            return s.filter(p -> p.getFileName().toString().equals("templates.yaml")).sorted().map(TemplateFile::load)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
