package dev.t5j.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder architecture, field for field HF's {@code BertConfig} ({@code config.json}), plus Contriever's
 * {@code pooling} ("average" unless the file says otherwise, as Atlas's {@code Contriever.__init__}).
 *
 * @param hiddenAct "gelu" (exact erf form, BERT's) or "gelu_new" (tanh approximation); "relu" is accepted too
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        double initializerRange,
        int padTokenId,
        Pooling pooling) {

    public BertConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0 || intermediateSize <= 0
                || maxPositionEmbeddings <= 0 || typeVocabSize <= 0)
            throw new UserError("BERT config: sizes must be positive (vocab_size, hidden_size, num_hidden_layers, "
                    + "num_attention_heads, intermediate_size, max_position_embeddings, type_vocab_size)");
        if (hiddenSize % numAttentionHeads != 0)
            throw new UserError("BERT config: hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        if (!List.of("gelu", "gelu_new", "relu").contains(hiddenAct))
            throw new UserError("BERT config: field 'hidden_act': unsupported activation '" + hiddenAct
                    + "' (use gelu, gelu_new or relu)");
        checkProb("hidden_dropout_prob", hiddenDropoutProb);
        checkProb("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (!(layerNormEps > 0)) throw new UserError("BERT config: field 'layer_norm_eps' must be positive, got "
                + layerNormEps);
        if (padTokenId < 0 || padTokenId >= vocabSize)
            throw new UserError("BERT config: field 'pad_token_id' " + padTokenId + " is outside [0, vocab_size)");
        if (pooling == null) pooling = Pooling.AVERAGE;
    }

    private static void checkProb(String field, double p) {
        if (p < 0 || p >= 1) throw new UserError("BERT config: field '" + field + "' must be in [0, 1), got " + p);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    public BertConfig withDropout(double hidden, double attention) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hidden, attention, initializerRange, padTokenId,
                        pooling);
    }

    public BertConfig withPooling(Pooling p) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropoutProb, attentionProbsDropoutProb,
                initializerRange, padTokenId, p);
    }

    public BertConfig withVocabSize(int v) {
        return new BertConfig(v, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropoutProb, attentionProbsDropoutProb,
                initializerRange, padTokenId, pooling);
    }

    // ---------------------------------------------------------------- config.json

    /** Reads an HF BERT {@code config.json}; missing fields take HF's {@code BertConfig} defaults. */
    public static BertConfig read(Path file) {
        JsonNode n = Json.read(file);
        if (!n.isObject()) throw UserError.at(file, 0, null, "expected a JSON object");
        try {
            return fromJson(n);
        } catch (UserError e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    public static BertConfig fromJson(JsonNode n) {
        String type = n.path("model_type").asText("bert");
        if (!type.equals("bert") && !type.equals("contriever"))
            throw new UserError("field 'model_type': '" + type + "' is not a BERT model");
        JsonNode act = n.get("hidden_act");
        if (act != null && !act.isNull() && !act.isTextual())
            throw new UserError("field 'hidden_act': expected a string, got " + act);
        return new BertConfig(
                intField(n, "vocab_size", 30522),
                intField(n, "hidden_size", 768),
                intField(n, "num_hidden_layers", 12),
                intField(n, "num_attention_heads", 12),
                intField(n, "intermediate_size", 3072),
                act == null || act.isNull() ? "gelu" : act.asText(),
                intField(n, "max_position_embeddings", 512),
                intField(n, "type_vocab_size", 2),
                doubleField(n, "layer_norm_eps", 1e-12),
                doubleField(n, "hidden_dropout_prob", 0.1),
                doubleField(n, "attention_probs_dropout_prob", 0.1),
                doubleField(n, "initializer_range", 0.02),
                intField(n, "pad_token_id", 0),
                n.has("pooling") && !n.get("pooling").isNull() ? Pooling.parse(n.get("pooling").asText(), "pooling")
                        : Pooling.AVERAGE);
    }

    private static int intField(JsonNode n, String name, int dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber()) throw new UserError("field '" + name + "': expected an integer, got " + v);
        return v.intValue();
    }

    private static double doubleField(JsonNode n, String name, double dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new UserError("field '" + name + "': expected a number, got " + v);
        return v.doubleValue();
    }

    /** HF's keys (readable by transformers' {@code BertModel.from_pretrained}) plus {@code pooling}. */
    public ObjectNode toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("BertModel"));
        m.put("model_type", "bert");
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("hidden_act", hiddenAct);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("type_vocab_size", typeVocabSize);
        m.put("layer_norm_eps", layerNormEps);
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        m.put("initializer_range", initializerRange);
        m.put("pad_token_id", padTokenId);
        m.put("position_embedding_type", "absolute");
        m.put("pooling", pooling.configName());
        return Json.MAPPER.valueToTree(m);
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.writePretty(toJson()) + "\n");
    }

    // ---------------------------------------------------------------- presets

    /**
     * Built-in architectures: {@code bert-base-uncased}, {@code contriever} (same shape), and {@code tiny} for tests.
     */
    public static BertConfig preset(String name) {
        String n = name.startsWith("facebook/") || name.startsWith("google-bert/") ? name.substring(name.indexOf('/')
                + 1) : name;
        BertConfig c = PRESETS.get(n);
        if (c == null) throw new UserError("unknown BERT preset '" + name + "'; known presets: " + String.join(", ",
                PRESETS.keySet()));
        return c;
    }

    public static List<String> presetNames() {
        return List.copyOf(PRESETS.keySet());
    }

    private static final Map<String, BertConfig> PRESETS = new LinkedHashMap<>();

    static {
        BertConfig base = new BertConfig(30522, 768, 12, 12, 3072, "gelu", 512, 2, 1e-12, 0.1, 0.1, 0.02, 0,
                Pooling.AVERAGE);
        PRESETS.put("bert-base-uncased", base);
        PRESETS.put("contriever", base);
        PRESETS.put("contriever-msmarco", base);
        // Tests: the real vocabulary size is kept so that the BERT vocab.txt works with it; the embedding is cheap.
        PRESETS.put("tiny", new BertConfig(30522, 32, 2, 4, 64, "gelu", 512, 2, 1e-12, 0.0, 0.0, 0.02, 0,
                Pooling.AVERAGE));
    }
}
