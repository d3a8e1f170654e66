package dev.t5j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.common.Utf8Lines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads predictions to score: JSON lines {@code {"prediction": "...", "references": ["...", ...]}}; blank lines are
 * skipped. Malformed lines are {@link UserError}s naming the file, the line and the field.
 */
public final class PredictionFile {
    public record Data(List<String> predictions, List<List<String>> references) {}

    private PredictionFile() {}

    public static Data read(Path file) {
        List<String> preds = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        Json.forEachObject(file, (lineNo, n) -> {
            JsonNode p = n.get("prediction");
            if (p == null) throw UserError.at(file, lineNo, "prediction", "missing");
            if (!p.isTextual())
                throw UserError.at(file, lineNo, "prediction", "must be a string, got "
                        + p.getNodeType().name().toLowerCase());
            JsonNode rs = n.get("references");
            if (rs == null) throw UserError.at(file, lineNo, "references", "missing");
            if (!rs.isArray()) throw UserError.at(file, lineNo, "references", "must be a list of strings");
            if (rs.isEmpty()) throw UserError.at(file, lineNo, "references", "must hold at least one reference");
            List<String> list = new ArrayList<>();
            for (int i = 0; i < rs.size(); i++) {
                if (!rs.get(i).isTextual())
                    throw UserError.at(file, lineNo, "references", "item " + (i + 1) + " must be a string");
                list.add(rs.get(i).asText());
            }
            preds.add(p.asText());
            refs.add(list);
        });
        if (preds.isEmpty()) throw new UserError(file + ": no predictions in file");
        return new Data(preds, refs);
    }
}
