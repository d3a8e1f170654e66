package dev.t5j.model.io;

import dev.t5j.common.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The tokenizer file that travels with a model folder, as in HF folders: {@code spiece.model} (SentencePiece),
 * {@code tokenizer.json} (HF tokenizers), {@code vocab.txt} (WordPiece) or t5j's own {@code t5j_vocab.json} (the
 * built-in byte and synthetic-task vocabularies, which have no standard file). One folder holds at most one of them:
 * writing one removes the others so a stale file cannot be picked up instead.
 */
public final class TokenizerFiles {
    public static final String SPIECE = "spiece.model";
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String VOCAB_TXT = "vocab.txt";
    public static final String T5J_VOCAB = "t5j_vocab.json";
    /** Lookup order; {@code spiece.model} first as transformers' T5Tokenizer does. */
    public static final List<String> NAMES = List.of(SPIECE, TOKENIZER_JSON, VOCAB_TXT, T5J_VOCAB);

    private TokenizerFiles() {}

    /** The tokenizer file of model folder {@code dir}, or null when it carries none. */
    public static Path find(Path dir) {
        for (String n : NAMES) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /** The name a vocabulary file gets inside a model folder, by its type (as {@code Vocabularies.load} reads it). */
    public static String canonicalName(Path vocabFile) {
        String n = vocabFile.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.equals(T5J_VOCAB)) return T5J_VOCAB;
        if (n.endsWith(".json")) return TOKENIZER_JSON;
        if (n.endsWith(".txt")) return VOCAB_TXT;
        return SPIECE;
    }

    /** Copies {@code vocabFile} into {@code dir} under its canonical name (atomically); returns the new path. */
    public static Path copyInto(Path vocabFile, Path dir) throws IOException {
        return write(dir, canonicalName(vocabFile), Files.readAllBytes(vocabFile));
    }

    /** Writes {@code bytes} as tokenizer file {@code name} of {@code dir} (atomically) and removes the others. */
    public static Path write(Path dir, String name, byte[] bytes) throws IOException {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("not a tokenizer file name: " + name);
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        AtomicFiles.writeBytes(target, bytes);
        for (String other : NAMES) if (!other.equals(name)) Files.deleteIfExists(dir.resolve(other));
        return target;
    }
}
