package dev.t5j.data;

import dev.t5j.tokenizer.Vocabularies;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * THE single place where the data CLI and the trainer turn {@code --vocab} into a {@link Vocabulary}: a missing
 * {@code --vocab} or {@code byte} gives {@link ByteVocabulary} (100 extra ids); a file is loaded by
 * {@link Vocabularies#load} (SentencePiece {@code .model} with 100 T5 sentinels, HF
 * {@code tokenizer.json}, BERT {@code vocab.txt}).
 */
public final class DataVocabularies {
    private DataVocabularies() {}

    public static Vocabulary resolve(String vocab) {
        if (vocab == null || vocab.isBlank() || vocab.equals("byte")) return new ByteVocabulary();
        Path p = Path.of(vocab);
        if (!Files.isRegularFile(p)) throw new UserError(p + ": vocabulary file not found (--vocab; use 'byte' for the built-in byte vocabulary)");
        return Vocabularies.load(p, 100); // .model (T5: 100 sentinels), tokenizer.json, vocab.txt
    }
}
