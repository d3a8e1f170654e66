package dev.t5j.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A JSON file holding an array of example objects, either at the top level ({@code arrayField} empty; WebQuestions)
 * or under a top-level field ({@code "Data"} for TriviaQA). Streamed with Jackson's parser so multi-GB files are read
 * one element at a time; elements of other shards are skipped without building trees. Line numbers in errors are
 * where the element starts.
 */
public final class JsonArraySource implements FileBackedSource {
    private final FileSplits files;
    private final String arrayField;

    public JsonArraySource(FileSplits files, String arrayField) {
        this.files = files;
        this.arrayField = arrayField == null ? "" : arrayField;
    }

    @Override
    public FileSplits fileSplits() {
        return files;
    }

    @Override
    public OptionalLong numExamples(String split) {
        long n = 0;
        try (ExampleIterator it = open(split, Shard.ALL, BadLines.skipping(), true)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return OptionalLong.of(n);
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        return open(split, shard, badLines == null ? BadLines.stop() : badLines, false);
    }

    private ExampleIterator open(String split, Shard shard, BadLines badLines, boolean countOnly) {
        List<Path> paths = files.resolve(split);
        return new ExampleIterator.Lazy() {
            int fileIdx = -1;
            JsonParser parser;
            Path file;
            long position;

            @Override
            protected Example compute() {
                while (true) {
                    try {
                        if (parser == null) {
                            if (++fileIdx >= paths.size()) return null;
                            file = paths.get(fileIdx);
                            parser = Json.MAPPER.getFactory().createParser(file.toFile());
                            seekArray();
                        }
                        JsonToken t = parser.nextToken();
                        if (t == JsonToken.END_ARRAY || t == null) {
                            parser.close();
                            parser = null;
                            continue;
                        }
                        long line = parser.currentTokenLocation().getLineNr();
                        long pos = position++;
                        if (!shard.owns(pos) || countOnly) {
                            parser.skipChildren();
                            if (countOnly && shard.owns(pos)) return COUNT_ONLY;
                            continue;
                        }
                        Example.Origin origin = new Example.Origin(file, line);
                        if (t != JsonToken.START_OBJECT) {
                            parser.skipChildren();
                            badLines.handle(new BadExampleError(origin, arrayField.isEmpty() ? null : arrayField,
                                    "array element " + pos + " is not a JSON object"));
                            continue;
                        }
                        JsonNode node = Json.MAPPER.readTree(parser);
                        return Example.of(JsonFields.flatten(node), origin);
                    } catch (JsonProcessingException e) {
                        var loc = e.getLocation();
                        throw UserError.at(file, loc == null ? 0 : loc.getLineNr(), arrayField.isEmpty() ? null
                                : arrayField,
                                "invalid JSON: " + Json.problem(e)
                                        + " (stopping: the rest of the file cannot be parsed)");
                    } catch (IOException e) {
                        throw new UserError(file + ": cannot read: " + e.getMessage(), e);
                    }
                }
            }

            private void seekArray() throws IOException {
                JsonToken t = parser.nextToken();
                if (arrayField.isEmpty()) {
                    if (t != JsonToken.START_ARRAY) throw UserError.at(file, 1, null,
                            "expected a JSON array of examples");
                    return;
                }
                if (t != JsonToken.START_OBJECT) throw UserError.at(file, 1, arrayField,
                        "expected a JSON object with an array field '" + arrayField + "'");
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    t = parser.nextToken();
                    if (name.equals(arrayField)) {
                        if (t != JsonToken.START_ARRAY)
                            throw UserError.at(file, parser.currentTokenLocation().getLineNr(), arrayField,
                                    "expected an array");
                        return;
                    }
                    parser.skipChildren();
                }
                throw UserError.at(file, 0, arrayField, "missing");
            }

            @Override
            public void close() {
                try {
                    if (parser != null) parser.close();
                } catch (IOException ignored) {
                    // read-only
                }
                parser = null;
                fileIdx = paths.size();
            }
        };
    }

    private static final Example COUNT_ONLY = Example.of();

    @Override
    public String describe() {
        return "json array" + (arrayField.isEmpty() ? "" : " '" + arrayField + "'") + " "
                + files.describe();
    }
}
