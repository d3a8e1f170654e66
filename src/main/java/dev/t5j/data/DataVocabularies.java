package dev.t5j.data;

import dev.t5j.common.UserError;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * THE single place where the data CLI turns {@code --vocab} into a {@link Vocabulary}.
 *
 * <p>HOOK (for the lead, after merging the tokenizer branch): load SentencePiece/WordPiece files here. Until then a
 * missing {@code --vocab} or {@code --vocab byte} gives {@link ByteVocabulary} (100 extra ids), and any other file is
 * refused with a clear message.
 */
public final class DataVocabularies {
    private DataVocabularies() {}

    public static Vocabulary resolve(String vocab) {
        if (vocab == null || vocab.isBlank() || vocab.equals("byte")) return new ByteVocabulary();
        Path p = Path.of(vocab);
        if (!Files.isRegularFile(p)) throw new UserError(p + ": vocabulary file not found (--vocab; use 'byte' for the built-in byte vocabulary)");
        // >>> HOOK: e.g. `if (vocab.endsWith(".model")) return SentencePieceVocabulary.load(p, 100);`
        throw new UserError(p + ": loading vocabulary files is not wired into 't5j data' yet; use --vocab byte");
    }
}
