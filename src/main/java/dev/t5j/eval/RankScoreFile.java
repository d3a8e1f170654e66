package dev.t5j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads option scores for {@link RankClassification}: JSON lines {@code {"scores": [s0, s1, ...], "label": k}} (the
 * index of the correct option) or {@code {"scores": [...], "is_correct": [false, true, ...]}} (several may be
 * correct, as t5's {@code rank_classification} allows). A score is e.g. the option's summed log-probability. Blank
 * lines are skipped; malformed lines are {@link UserError}s naming the file, the line and the field.
 */
public final class RankScoreFile {
    private RankScoreFile() {}

    /** The file's accuracy ×100 ({@code {"accuracy": ...}}) and the number of examples. */
    public record Scored(int count, Map<String, Double> scores) {}

    public static Scored score(Path file) {
        List<double[]> scores = new ArrayList<>();
        List<boolean[]> correct = new ArrayList<>();
        Json.forEachObject(file, (lineNo, n) -> {
            double[] s = scores(file, lineNo, n.get("scores"));
            correct.add(correct(file, lineNo, n, s.length));
            scores.add(s);
        });
        if (scores.isEmpty()) throw new UserError(file + ": no examples in file");
        return new Scored(scores.size(), RankClassification.accuracy(scores, correct));
    }

    private static double[] scores(Path file, long lineNo, JsonNode s) {
        if (s == null) throw UserError.at(file, lineNo, "scores", "missing (a list of option scores)");
        if (!s.isArray() || s.isEmpty())
            throw UserError.at(file, lineNo, "scores", "must be a non-empty list of numbers");
        double[] out = new double[s.size()];
        for (int i = 0; i < out.length; i++) {
            if (!s.get(i).isNumber())
                throw UserError.at(file, lineNo, "scores", "item " + (i + 1) + " must be a number");
            out[i] = s.get(i).doubleValue();
        }
        return out;
    }

    private static boolean[] correct(Path file, long lineNo, JsonNode n, int options) {
        JsonNode label = n.get("label"), flags = n.get("is_correct");
        if ((label == null) == (flags == null))
            throw UserError.at(file, lineNo, "label",
                    "give exactly one of \"label\" (an option index) and \"is_correct\"");
        boolean[] out = new boolean[options];
        if (label != null) {
            if (!label.canConvertToInt() || !label.isIntegralNumber() || label.intValue() < 0
                    || label.intValue() >= options)
                throw UserError.at(file, lineNo, "label", "must be an option index in [0, " + options + "), got "
                        + label);
            out[label.intValue()] = true;
            return out;
        }
        if (!flags.isArray() || flags.size() != options)
            throw UserError.at(file, lineNo, "is_correct", "must be a list of " + options
                    + " booleans (one per score)");
        for (int i = 0; i < options; i++) {
            if (!flags.get(i).isBoolean())
                throw UserError.at(file, lineNo, "is_correct", "item " + (i + 1) + " must be true or false");
            out[i] = flags.get(i).booleanValue();
        }
        return out;
    }
}
