package dev.t5j.tokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of {@code t5j vocab train}. Defaults follow spm_train with T5's id layout (pad 0, eos 1, unk 2, no bos).
 *
 * @param maxSentences   lines read in total (spm's input_sentence_size); 0 = all
 * @param maxWords       distinct words kept in memory; rarer words are pruned while reading (bounds memory)
 * @param normalization  "nmt_nfkc" (the charsmap T5 uses) or "identity"
 */
public record TrainerConfig(List<Path> inputs, int vocabSize, int modelType, float characterCoverage,
                            int maxSentencepieceLength, long maxSentences, int maxWords, int seedSize,
                            float shrinkingFactor, int numSubIterations, boolean byteFallback, String normalization,
                            List<String> userDefinedSymbols, int threads) {
    public TrainerConfig {
        if (vocabSize < 8) throw new IllegalArgumentException("vocab size must be at least 8, got " + vocabSize);
        if (modelType != SentencePieceModel.UNIGRAM && modelType != SentencePieceModel.BPE)
            throw new IllegalArgumentException("model type must be unigram or bpe");
        if (characterCoverage <= 0
                || characterCoverage > 1) throw new IllegalArgumentException("character coverage must be in (0, 1]");
        if (!normalization.equals("nmt_nfkc") && !normalization.equals("identity"))
            throw new IllegalArgumentException("normalization must be nmt_nfkc or identity");
    }

    public static TrainerConfig defaults(List<Path> inputs, int vocabSize, int modelType) {
        return new TrainerConfig(inputs, vocabSize, modelType, 0.9995f, 16, 10_000_000, 2_000_000, 1_000_000, 0.75f, 2,
                false, "nmt_nfkc", List.of(), Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public TrainerConfig withByteFallback(boolean v) {
        return new TrainerConfig(inputs, vocabSize, modelType, characterCoverage, maxSentencepieceLength, maxSentences,
                maxWords, seedSize, shrinkingFactor, numSubIterations, v, normalization, userDefinedSymbols, threads);
    }

    public TrainerConfig withNormalization(String v) {
        return new TrainerConfig(inputs, vocabSize, modelType, characterCoverage, maxSentencepieceLength, maxSentences,
                maxWords, seedSize, shrinkingFactor, numSubIterations, byteFallback, v, userDefinedSymbols, threads);
    }

    public TrainerConfig withUserDefinedSymbols(List<String> v) {
        return new TrainerConfig(inputs, vocabSize, modelType, characterCoverage, maxSentencepieceLength, maxSentences,
                maxWords, seedSize, shrinkingFactor, numSubIterations, byteFallback, normalization, List.copyOf(v),
                        threads);
    }

    public TrainerConfig withLimits(long maxSentences, int maxWords, float characterCoverage) {
        return new TrainerConfig(inputs, vocabSize, modelType, characterCoverage, maxSentencepieceLength, maxSentences,
                maxWords, seedSize, shrinkingFactor, numSubIterations, byteFallback, normalization, userDefinedSymbols,
                        threads);
    }

    public TrainerConfig withThreads(int v) {
        return new TrainerConfig(inputs, vocabSize, modelType, characterCoverage, maxSentencepieceLength, maxSentences,
                maxWords, seedSize, shrinkingFactor, numSubIterations, byteFallback, normalization, userDefinedSymbols,
                        Math.max(1, v));
    }
}
