package dev.t5j.tokenizer;

import java.util.Arrays;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a Hugging Face {@code tokenizer.json} with a Unigram model (T5, mT5, ...) or a WordPiece model (BERT,
 * Contriever). A Unigram file becomes the equivalent SentencePiece model (pieces, scores, the {@code Precompiled}
 * charsmap, Metaspace prefix and whitespace handling, added tokens as control/user-defined pieces), so it encodes
 * exactly as the {@code .model} it was converted from; trailing {@code <extra_id_N>} tokens become T5 sentinels.
 */
public final class HfTokenizerJson {
    private HfTokenizerJson() {}

    public static Vocabulary load(Path file) {
        JsonNode root = Json.read(file);
        JsonNode model = root.path("model");
        String type = model.path("type").asText("");
        if (type.isEmpty() && model.has("vocab") && model.get("vocab").isArray()) type = "Unigram";
        return switch (type) {
            case "Unigram" -> unigram(file, root, model);
            case "WordPiece" -> wordPiece(file, root, model);
            default -> throw UserError.at(file, 0, "model.type",
                    "unsupported tokenizer model '" + type
                            + "' (t5j reads Unigram and WordPiece tokenizer.json files)");
        };
    }

    private static SentencePieceVocabulary unigram(Path file, JsonNode root, JsonNode model) {
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !vocab.isArray() || vocab.isEmpty()) throw UserError.at(file, 0, "model.vocab",
                "missing or empty");
        int n = vocab.size();
        String[] pieces = new String[n];
        float[] scores = new float[n];
        byte[] types = new byte[n];
        for (int i = 0; i < n; i++) {
            JsonNode e = vocab.get(i);
            if (!e.isArray() || e.size() < 2 || !e.get(0).isTextual() || !e.get(1).isNumber())
                throw UserError.at(file, 0, "model.vocab[" + i + "]", "expected [piece, score]");
            pieces[i] = e.get(0).asText();
            scores[i] = (float) e.get(1).asDouble();
            types[i] = SentencePieceModel.NORMAL;
        }
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        if (byteFallback) for (int i = 0; i < n; i++) if (SentencePieceProcessor.pieceToByte(pieces[i]) >= 0) types[i] =
                SentencePieceModel.BYTE;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) index.putIfAbsent(pieces[i], i);
        int extraCount = 0;
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.path("id").asInt(-1);
            String content = t.path("content").asText();
            if (id >= 0 && id < n && pieces[id].equals(content) && types[id] != SentencePieceModel.BYTE)
                types[id] = t.path("special").asBoolean(false) ? SentencePieceModel.CONTROL
                        : SentencePieceModel.USER_DEFINED;
            else if (id >= n && content.startsWith("<extra_id_")) extraCount++;
        }
        JsonNode unkNode = model.get("unk_id");
        if (unkNode == null || unkNode.isNull()) throw UserError.at(file, 0, "model.unk_id",
                "a Unigram model needs an unknown token id");
        int unk = unkNode.asInt();
        if (unk < 0 || unk >= n) throw UserError.at(file, 0, "model.unk_id", unk + " is out of range [0, " + n + ")");
        types[unk] = SentencePieceModel.UNKNOWN;

        // T5: sentinels <extra_id_99> .. <extra_id_0> at the end of the vocabulary are sentinels, not pieces
        int base = n;
        while (base > 0 && pieces[base - 1].equals(SentencePieceVocabulary.sentinel(n - base))) base--;
        int extraIds = n - base + extraCount;
        if (base < n) {
            pieces = Arrays.copyOf(pieces, base);
            scores = Arrays.copyOf(scores, base);
            types = Arrays.copyOf(types, base);
        }

        byte[] charsmap = new byte[0];
        boolean[] removeWs = {false};
        JsonNode norm = root.get("normalizer");
        if (norm != null && !norm.isNull()) charsmap = normalizer(file, norm, "normalizer", removeWs);
        boolean dummy = false;
        JsonNode pre = root.get("pre_tokenizer");
        if (pre != null && !pre.isNull()) {
            List<JsonNode> parts = new ArrayList<>();
            flatten(pre, "pretokenizers", parts);
            for (JsonNode p : parts) {
                String t = p.path("type").asText();
                switch (t) {
                    case "WhitespaceSplit" -> removeWs[0] = true;
                    case "Metaspace" -> {
                        String scheme = p.path("prepend_scheme").asText("");
                        dummy = scheme.isEmpty() ? p.path("add_prefix_space").asBoolean(true) : !scheme.equals("never");
                    }
                    default -> throw UserError.at(file, 0, "pre_tokenizer.type", "unsupported pre-tokenizer '" + t
                            + "' for a Unigram model");
                }
            }
        }
        var ns = new SentencePieceModel.NormalizerSpec(charsmap.length > 0 ? "nmt_nfkc" : "identity", charsmap, dummy,
                removeWs[0], true);
        int pad = index.getOrDefault("<pad>", -1), eos = index.getOrDefault("</s>", -1), bos = index.getOrDefault("<s>",
                -1);
        var ts = SentencePieceModel.TrainerSpec.defaults().withModel(SentencePieceModel.UNIGRAM, base).withIds(unk, bos,
                eos, pad)
                .withTraining(List.of(), "", 0.9995f, 0, 16, byteFallback, List.of(), true);
        SentencePieceModel m = new SentencePieceModel(pieces, scores, types, ts, ns);
        try {
            return new SentencePieceVocabulary(new SentencePieceProcessor(m), extraIds);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": inconsistent Unigram tokenizer: " + e.getMessage());
        }
    }

    private static void flatten(JsonNode node, String listField, List<JsonNode> out) {
        if ("Sequence".equals(node.path("type").asText())) {
            for (JsonNode c : node.path(listField)) flatten(c, listField, out);
        } else {
            out.add(node);
        }
    }

    private static byte[] normalizer(Path file, JsonNode norm, String field, boolean[] removeWs) {
        List<JsonNode> parts = new ArrayList<>();
        flatten(norm, "normalizers", parts);
        byte[] charsmap = new byte[0];
        for (JsonNode p : parts) {
            String t = p.path("type").asText();
            switch (t) {
                case "Precompiled" -> {
                    String b64 = p.path("precompiled_charsmap").asText("");
                    try {
                        charsmap = Base64.getDecoder().decode(b64);
                        if (charsmap.length > 0) CharsMap.parse(charsmap);
                    } catch (IllegalArgumentException e) {
                        throw UserError.at(file, 0, field + ".precompiled_charsmap", e.getMessage());
                    }
                }
                case "Replace" -> {
                    String pattern = p.path("pattern").path("Regex").asText(p.path("pattern").path("String")
                            .asText(""));
                    if (pattern.equals(" {2,}") && p.path("content").asText().equals(" ")) removeWs[0] = true;
                    else throw UserError.at(file, 0, field + ".type", "unsupported Replace normalizer (pattern '"
                            + pattern + "')");
                }
                case "Strip" -> removeWs[0] = true;
                default -> throw UserError.at(file, 0, field + ".type", "unsupported normalizer '" + t
                        + "' for a Unigram model");
            }
        }
        return charsmap;
    }

    private static WordPieceVocabulary wordPiece(Path file, JsonNode root, JsonNode model) {
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !vocab.isObject() || vocab.isEmpty()) throw UserError.at(file, 0, "model.vocab",
                "missing or empty");
        String[] tokens = new String[vocab.size()];
        var it = vocab.fields();
        while (it.hasNext()) {
            var e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= tokens.length || tokens[id] != null)
                throw UserError.at(file, 0, "model.vocab." + e.getKey(), "id " + e.getValue()
                        + " is out of range or repeated");
            tokens[id] = e.getKey();
        }
        JsonNode norm = root.path("normalizer");
        boolean lower = true, clean = true, chinese = true;
        Boolean strip = null;
        if ("BertNormalizer".equals(norm.path("type").asText())) {
            lower = norm.path("lowercase").asBoolean(true);
            clean = norm.path("clean_text").asBoolean(true);
            chinese = norm.path("handle_chinese_chars").asBoolean(true);
            if (norm.hasNonNull("strip_accents")) strip = norm.get("strip_accents").asBoolean();
        } else if (!norm.isMissingNode() && !norm.isNull()) {
            throw UserError.at(file, 0, "normalizer.type", "unsupported normalizer '" + norm.path("type").asText()
                    + "' for a WordPiece model");
        }
        var basic = new BertBasicTokenizer(lower, strip == null ? lower : strip, chinese, clean);
        try {
            return new WordPieceVocabulary(List.of(tokens), basic, model.path("unk_token").asText("[UNK]"),
                    model.path("continuing_subword_prefix").asText("##"), model.path("max_input_chars_per_word")
                            .asInt(100));
        } catch (IllegalArgumentException e) {
            throw UserError.at(file, 0, "model.unk_token", e.getMessage());
        }
    }
}
