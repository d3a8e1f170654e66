package dev.t5j.atlas.tasks;

import dev.t5j.tokenizer.Vocabulary;

import java.util.Objects;

/**
 * The task flags of Atlas's {@code src/options.py}, with its defaults ({@link #defaults()}).
 *
 * @param qaPromptFormat          {@code --qa_prompt_format}, Python format with {@code {question}}
 * @param mlmNoiseDensity         {@code --mlm_noise_density} (0.15)
 * @param mlmMeanNoiseSpanLength  {@code --mlm_mean_noise_span_length} (3)
 * @param minWordsPerLmInstance   {@code --min_words_per_lm_instance} (null = no minimum): mlm/lm/section skip shorter
 * texts
 * @param textMaxlength           {@code --text_maxlength} (200): mlm truncates the text to this many tokens before
 * noising
 * @param minLmContextRatio       {@code --min_lm_context_ratio} (0.5)
 * @param maxLmContextRatio       {@code --max_lm_context_ratio} (0.5)
 * @param multipleChoiceNumOptions {@code --multiple_choice_num_options} (4)
 * @param trainPermutations       {@code --multiple_choice_train_permutations}: single, cyclic or all (single)
 * @param evalPermutations        {@code --multiple_choice_eval_permutations}: single, cyclic or all (single)
 * @param vocabulary              the reader's tokenizer (T5 SentencePiece); needed by mlm and multiple_choice
 */
public record AtlasTaskOptions(String qaPromptFormat, double mlmNoiseDensity, double mlmMeanNoiseSpanLength,
                               Integer minWordsPerLmInstance, int textMaxlength, double minLmContextRatio,
                               double maxLmContextRatio, int multipleChoiceNumOptions, String trainPermutations,
                               String evalPermutations, Vocabulary vocabulary) {
    public static final String DEFAULT_QA_PROMPT = "question: {question} answer: <extra_id_0>";

    public AtlasTaskOptions {
        Objects.requireNonNull(qaPromptFormat, "qaPromptFormat");
        if (!(mlmNoiseDensity > 0
                && mlmNoiseDensity < 1)) throw new IllegalArgumentException("mlm_noise_density must be in (0, 1), got "
                + mlmNoiseDensity);
        if (!(mlmMeanNoiseSpanLength > 0)) throw new
                IllegalArgumentException("mlm_mean_noise_span_length must be > 0, got " + mlmMeanNoiseSpanLength);
        if (textMaxlength < 1) throw new IllegalArgumentException("text_maxlength must be >= 1, got " + textMaxlength);
        if (multipleChoiceNumOptions < 1 || multipleChoiceNumOptions > 26) {
            throw new IllegalArgumentException("multiple_choice_num_options must be in 1..26, got "
                    + multipleChoiceNumOptions);
        }
        Permutations.check(trainPermutations, "multiple_choice_train_permutations");
        Permutations.check(evalPermutations, "multiple_choice_eval_permutations");
    }

    public static AtlasTaskOptions defaults() {
        return new AtlasTaskOptions(DEFAULT_QA_PROMPT, 0.15, 3, null, 200, 0.5, 0.5, 4, "single", "single", null);
    }

    public AtlasTaskOptions withVocabulary(Vocabulary v) {
        return new AtlasTaskOptions(qaPromptFormat, mlmNoiseDensity, mlmMeanNoiseSpanLength, minWordsPerLmInstance,
                textMaxlength,
                minLmContextRatio, maxLmContextRatio, multipleChoiceNumOptions, trainPermutations, evalPermutations, v);
    }

    public AtlasTaskOptions withQaPromptFormat(String f) {
        return new AtlasTaskOptions(f, mlmNoiseDensity, mlmMeanNoiseSpanLength, minWordsPerLmInstance, textMaxlength,
                minLmContextRatio, maxLmContextRatio, multipleChoiceNumOptions, trainPermutations, evalPermutations,
                        vocabulary);
    }

    public AtlasTaskOptions withMinWords(Integer minWords) {
        return new AtlasTaskOptions(qaPromptFormat, mlmNoiseDensity, mlmMeanNoiseSpanLength, minWords, textMaxlength,
                minLmContextRatio, maxLmContextRatio, multipleChoiceNumOptions, trainPermutations, evalPermutations,
                        vocabulary);
    }

    public AtlasTaskOptions withTextMaxlength(int n) {
        return new AtlasTaskOptions(qaPromptFormat, mlmNoiseDensity, mlmMeanNoiseSpanLength, minWordsPerLmInstance, n,
                minLmContextRatio, maxLmContextRatio, multipleChoiceNumOptions, trainPermutations, evalPermutations,
                        vocabulary);
    }

    public AtlasTaskOptions withMultipleChoice(int numOptions, String train, String eval) {
        return new AtlasTaskOptions(qaPromptFormat, mlmNoiseDensity, mlmMeanNoiseSpanLength, minWordsPerLmInstance,
                textMaxlength,
                minLmContextRatio, maxLmContextRatio, numOptions, train, eval, vocabulary);
    }
}
