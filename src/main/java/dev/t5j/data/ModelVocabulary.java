package dev.t5j.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.model.io.TokenizerFiles;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import dev.t5j.tokenizer.Vocabularies;
import dev.t5j.tokenizer.Vocabulary;
import dev.t5j.tokenizer.WordPieceVocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary a model folder carries beside {@code config.json} ({@link TokenizerFiles}): written when a model is
 * saved with a known vocabulary, read back when text goes in or out. A vocabulary read from a file is copied as is;
 * the built-in ones without a standard file are written as {@code t5j_vocab.json}:
 * {@code {"format":"t5j-vocabulary","type":"byte","extra_ids":100}} ({@link ByteVocabulary}) or
 * {@code {"format":"t5j-vocabulary","type":"pieces","pieces":[...]}} ({@link SimpleVocabulary}, one piece per id).
 */
public final class ModelVocabulary {
    static final String FORMAT = "t5j-vocabulary";

    private ModelVocabulary() {}

    /** The vocabulary of model folder {@code dir}, or null when it carries none. */
    public static Vocabulary load(Path dir) {
        Path p = TokenizerFiles.find(dir);
        if (p == null) return null;
        if (p.getFileName().toString().equals(TokenizerFiles.T5J_VOCAB)) return readT5j(p);
        return Vocabularies.load(p, SentencePieceVocabulary.T5_EXTRA_IDS);
    }

    /**
     * {@code override} (a {@code --vocab} value: a file, or "byte") when given, else the folder's own vocabulary;
     * a user error naming the folder when there is neither.
     */
    public static Vocabulary resolve(Path dir, String override) {
        if (override != null && !override.isBlank()) return DataVocabularies.resolve(override);
        Vocabulary v = load(dir);
        if (v == null && !Files.isRegularFile(dir.resolve("config.json")))
            throw new UserError(dir + ": not a model folder (no config.json)");
        if (v == null)
            throw new UserError(dir + ": the model folder carries no tokenizer ("
                    + String.join(", ", TokenizerFiles.NAMES) + "); pass --vocab FILE, or use the id-level options");
        return v;
    }

    /**
     * Writes {@code vocab} into model folder {@code dir}: a copy of {@code sourceFile} when it is the file the
     * vocabulary was read from, else the vocabulary serialised by its type. Does nothing for a null vocabulary.
     */
    public static void save(Path dir, Vocabulary vocab, Path sourceFile) throws IOException {
        if (sourceFile != null) {
            TokenizerFiles.copyInto(sourceFile, dir);
            return;
        }
        if (vocab == null) return;
        if (vocab instanceof ByteVocabulary b) {
            Map<String, Object> o = header("byte");
            o.put("extra_ids", b.extraIds());
            writeT5j(dir, o);
        } else if (vocab instanceof SimpleVocabulary s) {
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < s.vocabSize(); i++) pieces.add(s.piece(i));
            Map<String, Object> o = header("pieces");
            o.put("pieces", pieces);
            writeT5j(dir, o);
        } else if (vocab instanceof SentencePieceVocabulary sp) {
            TokenizerFiles.write(dir, TokenizerFiles.SPIECE, sp.processor().model().toBytes());
        } else if (vocab instanceof WordPieceVocabulary wp) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < wp.vocabSize(); i++) sb.append(wp.idToToken(i)).append('\n');
            TokenizerFiles.write(dir, TokenizerFiles.VOCAB_TXT, sb.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException("cannot write a " + vocab.getClass().getSimpleName()
                    + " into a model folder");
        }
    }

    /** The vocabulary a data setting ({@code data.vocab}: a file, "byte" or null) writes: its file when it has one. */
    public static Path sourceFile(String dataVocab) {
        if (dataVocab == null || dataVocab.isBlank() || dataVocab.equals("byte")) return null;
        return Path.of(dataVocab);
    }

    private static Map<String, Object> header(String type) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("format", FORMAT);
        o.put("type", type);
        return o;
    }

    private static void writeT5j(Path dir, Map<String, Object> o) throws IOException {
        String text = Json.writePretty(o) + "\n";
        TokenizerFiles.write(dir, TokenizerFiles.T5J_VOCAB, text.getBytes(StandardCharsets.UTF_8));
    }

    static Vocabulary readT5j(Path p) {
        JsonNode root = Json.read(p);
        if (!FORMAT.equals(root.path("format").asText()))
            throw UserError.at(p, 0, "format", "expected \"" + FORMAT + "\"");
        String type = root.path("type").asText();
        switch (type) {
            case "byte": {
                JsonNode e = root.path("extra_ids");
                if (!e.canConvertToInt() || e.asInt() < 0) throw UserError.at(p, 0, "extra_ids",
                        "expected an integer >= 0");
                return new ByteVocabulary(e.asInt());
            }
            case "pieces": {
                JsonNode arr = root.path("pieces");
                if (!arr.isArray() || arr.isEmpty()) throw UserError.at(p, 0, "pieces",
                        "expected a non-empty array of strings");
                List<String> pieces = new ArrayList<>();
                for (JsonNode n : arr) {
                    if (!n.isTextual()) throw UserError.at(p, 0, "pieces", "expected strings");
                    pieces.add(n.asText());
                }
                return SimpleVocabulary.fromPieces(pieces);
            }
            default:
                throw UserError.at(p, 0, "type", "unknown vocabulary type '" + type + "' (allowed: byte, pieces)");
        }
    }
}
