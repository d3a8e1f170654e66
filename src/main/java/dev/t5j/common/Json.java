package dev.t5j.common;

import java.io.FileNotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The shared Jackson mapper and small helpers that turn JSON problems into {@link UserError}s naming the file. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.INDENT_OUTPUT, false);

    private Json() {}

    public static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw UserError.at(file, loc == null ? 0 : loc.getLineNr(), null, "invalid JSON: " + problem(e));
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw UserError.unreadable(file, 0, e);
        }
    }

    /** Parses one line of a JSON-lines file; {@code lineNo} is 1-based. */
    public static JsonNode readLine(Path file, long lineNo, String line) {
        try {
            return MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw UserError.at(file, lineNo, null, "invalid JSON: " + problem(e));
        }
    }

    /** Receives one object of a JSON-lines file with its 1-based line number. */
    public interface ObjectLine {
        void accept(long lineNo, JsonNode object);
    }

    /**
     * Calls {@code each} for every non-blank line of a JSON-lines file; a line that is not a JSON object, a missing
     * or unreadable file are {@link UserError}s naming the file (and line).
     */
    public static void forEachObject(Path file, ObjectLine each) {
        try (Utf8Lines r = new Utf8Lines(file)) {
            for (String line; (line = r.readLine()) != null; ) {
                long lineNo = r.lineNumber();
                if (line.isBlank()) continue;
                JsonNode n = readLine(file, lineNo, line);
                if (!n.isObject()) throw UserError.at(file, lineNo, null, "expected a JSON object");
                each.accept(lineNo, n);
            }
        }
    }

    /**
     * Jackson's message without its internals: the "[Source: REDACTED (`StreamReadFeature...` disabled); line: L,
     * column: C]" locations become "line L, column C", and the column of the problem is put first.
     */
    public static String problem(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        m = m.replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
        var loc = e.getLocation();
        return loc != null && loc.getColumnNr() > 0 ? "column " + loc.getColumnNr() + ": " + m : m;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }
}
