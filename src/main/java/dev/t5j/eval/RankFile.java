package dev.t5j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.RankScorer;
import dev.t5j.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code t5j rank} on a file: JSON lines {@code {"inputs": "...", "choices": ["...", ...], "label": k}} (label
 * optional), tokenised as T0 does (inputs without EOS, each choice with EOS), scored by {@link RankScorer}.
 */
public final class RankFile {
    private RankFile() {}

    /** One parsed line: the text fields and the label (-1 when absent). */
    public record Line(String inputs, List<String> choices, int label) {}

    public static List<Line> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode n = Json.readLine(file, i + 1, lines.get(i));
            if (!n.path("inputs").isTextual()) throw UserError.at(file, i + 1, "inputs", "missing or not a string");
            if (!n.path("choices").isArray() || n.get("choices").isEmpty())
                throw UserError.at(file, i + 1, "choices", "missing or not a non-empty list of strings");
            List<String> choices = new ArrayList<>();
            for (JsonNode c : n.get("choices")) {
                if (!c.isTextual()) throw UserError.at(file, i + 1, "choices", "not a list of strings");
                choices.add(c.asText());
            }
            int label = -1;
            if (n.has("label") && !n.get("label").isNull()) {
                if (!n.get("label").isInt() || n.get("label").asInt() < 0 || n.get("label").asInt() >= choices.size())
                    throw UserError.at(file, i + 1, "label", "must be an index into choices (0.." + (choices.size(
                            ) - 1) + ")");
                label = n.get("label").asInt();
            }
            out.add(new Line(n.get("inputs").asText(), choices, label));
        }
        return out;
    }

    /** T0 tokenisation: inputs without EOS, every choice with EOS. */
    public static RankScorer.Item tokenize(Vocabulary vocab, String inputs, List<String> choices) {
        int[][] c = new int[choices.size()][];
        for (int k = 0; k < c.length; k++) {
            int[] ids = vocab.encode(choices.get(k));
            c[k] = Arrays.copyOf(ids, ids.length + 1);
            c[k][ids.length] = vocab.eosId();
        }
        return new RankScorer.Item(vocab.encode(inputs), c);
    }

    public static List<RankScorer.Item> tokenize(Vocabulary vocab, List<Line> lines) {
        return lines.stream().map(l -> tokenize(vocab, l.inputs(), l.choices())).toList();
    }

    /** Accuracy ×100 over the lines that have a label, or NaN when none has. */
    public static double accuracy(List<Line> lines, RankScorer.Result[] results) {
        int n = 0, hit = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).label() < 0) continue;
            n++;
            if (results[i].prediction() == lines.get(i).label()) hit++;
        }
        return n == 0 ? Double.NaN : 100.0 * hit / n;
    }
}
