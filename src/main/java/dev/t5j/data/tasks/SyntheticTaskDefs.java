package dev.t5j.data.tasks;

import java.util.LinkedHashMap;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Feature;
import dev.t5j.data.GeneratorSource;
import dev.t5j.data.Mixture;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.Rate;
import dev.t5j.data.Task;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.synth.SyntheticTask;
import dev.t5j.synth.SyntheticTasks;
import dev.t5j.synth.TokenSpace;
import dev.t5j.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Registers the synthetic pretraining tasks (Wu, Li, Liang 2022) as seqio-style tasks {@code synth_<name>} and the
 * 21-task mixture {@code synthetic_pretraining} (equal rates, as the paper's pretraining mixes them).
 *
 * <p>With a T5-sized vocabulary (≥ 32100 ids) the tasks draw from T5's id space ({@link TokenSpace#of(Vocabulary)});
 * otherwise they use the built-in {@link SimpleVocabulary}, whose few hundred ids suit tiny models, and their
 * features use that vocabulary.
 */
public final class SyntheticTaskDefs {
    public static final String PREFIX = "synth_";
    public static final long TRAIN_SIZE = 100_000_000L; // generated on demand: effectively unbounded
    public static final long VALIDATION_SIZE = 1_000L;

    /** The quickstart mixture {@code synthetic_easy}: tasks a small model learns in minutes on a CPU. */
    public static final List<String> EASY = List.of("identity", "reverse", "set", "sort", "first_token", "last_token");

    private SyntheticTaskDefs() {}

    /** The vocabulary the synthetic tasks' features use given the catalog's vocabulary. */
    public static Vocabulary featureVocabulary(Vocabulary catalogVocab) {
        return catalogVocab != null && catalogVocab.vocabSize() >= 32100 ? catalogVocab : new SimpleVocabulary();
    }

    /**
     * Registers every synthetic task that can work with {@code lengths}; returns the others with the reason (e.g.
     * LIME needs inputs of at least 70 tokens), so asking for one of them can say why it is missing.
     */
    public static Map<String, String> register(DataCatalog catalog, Vocabulary catalogVocab,
            SyntheticTasks.Options lengths, long seed) {
        Map<String, String> skipped = new LinkedHashMap<>();
        Vocabulary vocab = featureVocabulary(catalogVocab);
        TokenSpace space = vocab instanceof SimpleVocabulary sv ? TokenSpace.of(sv) : TokenSpace.of(vocab);
        SyntheticTasks.Options o = lengths.withSpace(space);
        List<String> paper = new ArrayList<>();
        for (String name : SyntheticTasks.names()) {
            String taskName = PREFIX + name;
            SyntheticTask t;
            try {
                t = SyntheticTasks.byName(name, o);
            } catch (IllegalArgumentException e) {
                skipped.put(taskName, e.getMessage());
                continue;
            }
            if (catalog.contains(taskName)) continue;
            catalog.add(Task.builder(taskName)
                    .source(GeneratorSource.synthetic(t, Map.of("train", TRAIN_SIZE, "validation", VALIDATION_SIZE),
                            seed))
                    .preprocessor(Preprocessors.appendEos())
                    .feature("inputs", new Feature(vocab, true, !name.equals("nesting_language")))
                    .feature("targets", new Feature(vocab, true, true))
                    .metric("seq_em")
                    .description("synthetic pretraining task '" + name + "' (Wu, Li, Liang 2022)")
                    .build());
            if (SyntheticTasks.PAPER_TASKS.contains(name)) paper.add(taskName);
        }
        List<String> easy = new ArrayList<>();
        for (String n : EASY) if (catalog.contains(PREFIX + n)) easy.add(PREFIX + n);
        if (!catalog.contains("synthetic_easy") && !easy.isEmpty())
            catalog.add(Mixture.of("synthetic_easy", Rate.fixed(1.0), catalog.get(easy)));
        if (!catalog.contains("synthetic_pretraining"))
            catalog.add(Mixture.of("synthetic_pretraining", Rate.fixed(1.0), catalog.get(paper)));
        return skipped;
    }
}
