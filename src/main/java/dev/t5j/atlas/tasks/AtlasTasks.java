package dev.t5j.atlas.tasks;

import dev.t5j.tokenizer.Vocabulary;
import dev.t5j.common.UserError;

import java.util.List;

/** Atlas's task registry ({@code src/tasks/__init__.py}): a task by its {@code --task} name. */
public final class AtlasTasks {
    private AtlasTasks() {}

    /** Atlas's names, in its {@code AVAILABLE_TASKS} order. */
    public static final List<String> NAMES = List.of("base", "mlm", "lm", "multiple_choice", "kilt", "section", "fever",
            "qa");

    /**
     * @throws UserError for an unknown name, or mlm/multiple_choice without {@link AtlasTaskOptions#vocabulary()}
     */
    public static AtlasTask byName(String name, AtlasTaskOptions o) {
        return switch (name) {
            case "base" -> new BaseTask();
            case "qa" -> {
                try {
                    yield new QaTask(o.qaPromptFormat());
                } catch (IllegalArgumentException e) {
                    throw new UserError("qa_prompt_format: " + e.getMessage());
                }
            }
            case "mlm" -> new MlmTask(needVocabulary(name, o), o.mlmNoiseDensity(), o.mlmMeanNoiseSpanLength(),
                    o.textMaxlength(),
                    o.minWordsPerLmInstance());
            case "lm" -> new LmTask(o.minWordsPerLmInstance(), o.minLmContextRatio(), o.maxLmContextRatio());
            case "section" -> new SectionTask(o.minWordsPerLmInstance());
            case "multiple_choice" -> new MultipleChoiceTask(needVocabulary(name, o), o.multipleChoiceNumOptions(),
                    o.trainPermutations(), o.evalPermutations());
            case "fever" -> new FeverTask();
            case "kilt" -> new KiltTask();
            default -> throw new UserError("unknown Atlas task '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    private static Vocabulary needVocabulary(String task, AtlasTaskOptions o) {
        if (o.vocabulary() == null) throw new UserError("task " + task
                + " needs the reader's vocabulary (T5 SentencePiece)");
        if (o.vocabulary().extraIds() < 1) throw new UserError("task " + task
                + " needs a vocabulary with <extra_id_N> sentinels");
        return o.vocabulary();
    }
}
