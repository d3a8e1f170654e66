package dev.t5j.atlas.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Official NQ-open lines ({@code {"question","answer":[...]}}) → Atlas's qa lines ({@code {"question","answers"}}),
 * as Atlas's {@code preprocessing/prepare_qa.py} ({@code convert_nq}) does.
 */
public final class NqOpenFormat {
    private NqOpenFormat() {}

    /** @throws FieldError when {@code question} or {@code answer} is missing or mistyped */
    public static Map<String, Object> toAtlas(Map<String, Object> nq) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("question", Fields.string(nq, "question"));
        out.put("answers", Fields.stringList(nq, "answer"));
        return out;
    }
}
