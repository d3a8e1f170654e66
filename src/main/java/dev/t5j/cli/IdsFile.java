package dev.t5j.cli;

import java.nio.charset.MalformedInputException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON-lines files of token-id lists ({@code {"input_ids":[...], ...}}), with errors naming file, line and field.
 */
final class IdsFile {
    private IdsFile() {}

    /** One int[] per field name per non-blank line. */
    static List<int[][]> read(Path file, String... fields) {
        List<int[][]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode n = Json.readLine(file, no, line);
                int[][] row = new int[fields.length][];
                for (int f = 0; f < fields.length; f++) row[f] = ids(file, no, fields[f], n.get(fields[f]));
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (MalformedInputException e) {
            throw new UserError(file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        if (rows.isEmpty()) throw new UserError(file + ": no examples (the file is empty)");
        return rows;
    }

    private static int[] ids(Path file, long line, String field, JsonNode v) {
        if (v == null) throw UserError.at(file, line, field, "missing");
        if (!v.isArray() || v.isEmpty()) throw UserError.at(file, line, field,
                "expected a non-empty list of token ids, got " + v);
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = v.get(i);
            if (!x.canConvertToInt() || !x.isIntegralNumber() || x.intValue() < 0)
                throw UserError.at(file, line, field, "element " + i + " is not a token id: " + x);
            out[i] = x.intValue();
        }
        return out;
    }
}
