package dev.t5j.tokenizer;

import java.util.Locale;
import dev.t5j.common.UserError;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens any vocabulary file t5j understands, by its name: {@code .model}, {@code tokenizer.json}, {@code vocab.txt}.
 */
public final class Vocabularies {
    private Vocabularies() {}

    /**
     * {@code *.json}: Hugging Face tokenizer.json (Unigram or WordPiece); {@code *.txt}: BERT vocab.txt (uncased);
     * anything else: a SentencePiece model with {@code extraIds} T5 sentinels (100 for T5).
     */
    public static Vocabulary load(Path file, int extraIds) {
        if (!Files.exists(file)) throw new UserError(file + ": file not found");
        if (Files.isDirectory(file)) {
            for (String name : new String[] {"spiece.model", "tokenizer.model", "tokenizer.json", "vocab.txt"}) {
                Path p = file.resolve(name);
                if (Files.isRegularFile(p)) return load(p, extraIds);
            }
            throw new UserError(file
                    + ": directory holds no spiece.model, tokenizer.model, tokenizer.json or vocab.txt");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) return HfTokenizerJson.load(file);
        if (name.endsWith(".txt")) return WordPieceVocabulary.load(file);
        return SentencePieceVocabulary.load(file, extraIds);
    }
}
