package dev.t5j.data;

import dev.t5j.model.io.TokenizerFiles;
import dev.t5j.tokenizer.Vocabularies;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * THE single place where a task vocabulary is loaded (data specs, Atlas readers, synthetic data, Atlas task tools):
 * a missing {@code --vocab} or {@code byte} gives {@link ByteVocabulary} (100 extra ids); a file is loaded by
 * {@link Vocabularies#load} with T5's 100 sentinels (SentencePiece {@code .model}, HF {@code tokenizer.json}, BERT
 * {@code vocab.txt}), or a model folder's {@code t5j_vocab.json}.
 */
public final class DataVocabularies {
    /** T5's {@code extra_ids}: the sentinels appended to the SentencePiece vocabulary. */
    public static final int T5_EXTRA_IDS = 100;

    private DataVocabularies() {}

    public static Vocabulary resolve(String vocab) {
        if (vocab == null || vocab.isBlank() || vocab.equals("byte")) return new ByteVocabulary();
        Path p = Path.of(vocab);
        if (!Files.isRegularFile(p))
            throw new UserError(p
                    + ": vocabulary file not found (--vocab; use 'byte' for the built-in byte vocabulary)");
        return load(p);
    }

    /**
     * A vocabulary file with T5's 100 sentinels ({@code <extra_id_0>} .. {@code <extra_id_99>}), or a model folder's
     * {@code t5j_vocab.json} (the built-in vocabularies as {@link ModelVocabulary} writes them).
     */
    public static Vocabulary load(Path file) {
        if (file.getFileName().toString().equals(TokenizerFiles.T5J_VOCAB)) return ModelVocabulary.readT5j(file);
        return Vocabularies.load(file, T5_EXTRA_IDS);
    }
}
