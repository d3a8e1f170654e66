package dev.t5j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;

import java.nio.file.Path;
import java.util.List;

/** JSON lines: one object per line, fields flattened by {@link JsonFields}; {@code required} fields must be present. */
public class JsonlSource extends LineSource {
    private final List<String> required;

    public JsonlSource(FileSplits files, List<String> required) {
        super(files, 0, true);
        this.required = List.copyOf(required);
    }

    public JsonlSource(FileSplits files) {
        this(files, List.of());
    }

    @Override
    protected Example parse(Path file, long lineNo, String line) {
        Example.Origin origin = new Example.Origin(file, lineNo);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadExampleError(origin, null, "invalid JSON: " + Json.problem(e));
        }
        if (node == null || !node.isObject()) throw new BadExampleError(origin, null, "expected a JSON object");
        for (String f : required) {
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) throw new BadExampleError(origin, f, "missing");
        }
        return convert(Example.of(JsonFields.flatten(node), origin));
    }

    /** Hook for subclasses that reshape a parsed line (e.g. Atlas passages). */
    protected Example convert(Example e) {
        return e;
    }

    @Override
    public String describe() {
        return "jsonl " + files.describe();
    }
}
