package dev.t5j.atlas;

import dev.t5j.tokenizer.SentencePieceVocabulary;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test resources (see src/test/resources/atlas/SOURCE.md) and small helpers. */
public final class AtlasTestData {
    private AtlasTestData() {}

    private static SentencePieceVocabulary t5;

    public static Path resource(String name) {
        try {
            return Path.of(AtlasTestData.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    /** The real T5 vocabulary (32,000 pieces + 100 sentinels). */
    public static synchronized SentencePieceVocabulary t5() {
        if (t5 == null) t5 = SentencePieceVocabulary.t5(resource("tokenizer/t5/spiece.model"));
        return t5;
    }

    /** A JSON object from alternating keys and values, in order. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
