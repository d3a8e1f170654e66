package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --input-file} of {@code generate} and {@code score}: a {@code .txt} file holds one input text per
 * non-blank line (generate only); any other file is JSON lines with either token ids
 * ({@code {"input_ids":[...]}}, read by {@link IdsFile}) or texts ({@code {"text":"..."}}). Errors name file, line
 * and field.
 */
final class InputFile {
    private InputFile() {}

    static boolean isPlainText(Path file) {
        return file.getFileName().toString().endsWith(".txt");
    }

    /** True when the first non-blank JSON line has {@code textField} (a text file), false when it has ids. */
    static boolean holdsText(Path file, String textField) {
        if (isPlainText(file)) return true;
        for (String[] row : lines(file)) {
            JsonNode n = Json.readLine(file, Long.parseLong(row[0]), row[1]);
            return n.has(textField);
        }
        throw new UserError(file + ": no examples (the file is empty)");
    }

    /** One String[] (one text per field) per non-blank line; a .txt file gives its lines for a single field. */
    static List<String[]> texts(Path file, String... fields) {
        List<String[]> out = new ArrayList<>();
        for (String[] row : lines(file)) {
            if (isPlainText(file)) {
                if (fields.length != 1) throw new UserError(file
                        + ": a .txt file holds inputs only; use JSON lines with "
                        + String.join(", ", fields));
                out.add(new String[] {row[1]});
                continue;
            }
            long no = Long.parseLong(row[0]);
            JsonNode n = Json.readLine(file, no, row[1]);
            String[] texts = new String[fields.length];
            for (int f = 0; f < fields.length; f++) {
                JsonNode v = n.get(fields[f]);
                if (v == null) throw UserError.at(file, no, fields[f], "missing");
                if (!v.isTextual() || v.asText().isEmpty())
                    throw UserError.at(file, no, fields[f], "expected a non-empty string, got " + v);
                texts[f] = v.asText();
            }
            out.add(texts);
        }
        if (out.isEmpty()) throw new UserError(file + ": no examples (the file is empty)");
        return out;
    }

    /** Non-blank lines as {line number, text}. */
    private static List<String[]> lines(Path file) {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (!line.isBlank()) rows.add(new String[] {Long.toString(no), line});
            }
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (MalformedInputException e) {
            throw new UserError(file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        return rows;
    }
}
