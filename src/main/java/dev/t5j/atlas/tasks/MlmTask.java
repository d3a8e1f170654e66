package dev.t5j.atlas.tasks;

import dev.t5j.tokenizer.Vocabulary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Atlas's {@code mlm} task: {@code {"text","id"}} → T5 span corruption ({@link MlmNoise}); query = the corrupted
 * text with sentinels, target = the sentinel-prefixed noise spans; metadata = the example plus {@code clean_target}.
 * Skipped: blank text, or fewer words than {@code min_words_per_lm_instance}. Retrieval drops the passage with the
 * example's id. Metrics as lm/section: raw accuracy, raw f1, rouge_1/2/L against {@code [target]}.
 */
public final class MlmTask implements PassageTextTask {
    private final Vocabulary vocabulary;
    private final double density, meanSpanLength;
    private final int textMaxlength;
    private final Integer minWords;

    public MlmTask(Vocabulary vocabulary, double density, double meanSpanLength, int textMaxlength, Integer minWords) {
        if (vocabulary.extraIds() < 1) throw new
                IllegalArgumentException("mlm needs a vocabulary with sentinels (<extra_id_0>...)");
        this.vocabulary = vocabulary;
        this.density = density;
        this.meanSpanLength = meanSpanLength;
        this.textMaxlength = textMaxlength;
        this.minWords = minWords;
    }

    @Override
    public String name() {
        return "mlm";
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String clean = Fields.string(json, "text");
        if (Fields.isBlank(clean)) return Optional.empty();
        if (minWords != null && Fields.wordCount(clean) < minWords) return Optional.empty();
        MlmNoise.Result r = MlmNoise.apply(vocabulary, clean, density, meanSpanLength, textMaxlength, rng);
        Map<String, Object> metadata = new LinkedHashMap<>(json);
        metadata.put("clean_target", clean);
        // Atlas builds a fresh output dict: no top-level id and no "answers", so gold = [target]
        return Optional.of(new AtlasExample(r.input(), r.output(), List.of(r.output()), TaskFields.filePassages(json),
                metadata, null, null));
    }
}
