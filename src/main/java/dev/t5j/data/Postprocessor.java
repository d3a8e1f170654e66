package dev.t5j.data;

import dev.t5j.common.UserError;
import java.util.List;

/**
 * seqio's {@code postprocess_fn(text, example, is_target)}: turns a decoded prediction or target into what the
 * metrics compare (e.g. {@code qa}: a target becomes the list of all answers, a prediction stays a string).
 */
@FunctionalInterface
public interface Postprocessor {
    Object apply(String text, Example example, boolean isTarget);

    Postprocessor IDENTITY = (text, ex, isTarget) -> text;

    /**
     * T5's {@code qa}: targets → all {@code answers} of the example (falls back to the target text); predictions
     * unchanged.
     */
    Postprocessor QA = (text, ex, isTarget) -> {
        if (!isTarget) return text;
        if (ex != null && ex.get("answers") instanceof List<?>) return ex.strings("answers");
        return List.of(text);
    };

    static Postprocessor byName(String name) {
        return switch (name == null ? "" : name) {
            case "", "identity", "none" -> IDENTITY;
            case "qa" -> QA;
            default -> throw new UserError("unknown postprocessor '" + name + "' (known: identity, qa)");
        };
    }
}
