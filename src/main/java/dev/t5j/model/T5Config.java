package dev.t5j.model;

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
 * A T5 architecture, field for field HF's {@code T5Config} ({@code config.json}).
 *
 * @param feedForwardProj "relu" (v1.0, {@code T5DenseActDense}) or "gated-gelu" (v1.1 / lm-adapt,
 * {@code T5DenseGatedActDense}
 *                        with tanh-GELU); "gated-relu" and "gelu" are accepted as HF does.
 * @param tieWordEmbeddings   the LM head is the shared embedding (no {@code lm_head.weight})
 * @param scaleDecoderOutputs the decoder output is multiplied by d_model^-0.5 before the LM head (v1.0). transformers 5
 *                        writes it as {@code scale_decoder_outputs}; older configs imply it from
 *                        {@code tie_word_embeddings} (transformers 5 configuration_t5.py does the same).
 */
public record T5Config(
        int vocabSize,
        int dModel,
        int dKv,
        int dFf,
        int numLayers,
        int numDecoderLayers,
        int numHeads,
        int relativeAttentionNumBuckets,
        int relativeAttentionMaxDistance,
        double dropoutRate,
        double layerNormEpsilon,
        double initializerFactor,
        String feedForwardProj,
        boolean tieWordEmbeddings,
        int padTokenId,
        int eosTokenId,
        int decoderStartTokenId,
        boolean scaleDecoderOutputs) {

    /** The transformers 4 convention: tied models rescale the decoder output, untied ones do not. */
    public T5Config(int vocabSize, int dModel, int dKv, int dFf, int numLayers, int numDecoderLayers, int numHeads,
                    int relativeAttentionNumBuckets, int relativeAttentionMaxDistance, double dropoutRate,
                    double layerNormEpsilon, double initializerFactor, String feedForwardProj,
                    boolean tieWordEmbeddings, int padTokenId, int eosTokenId, int decoderStartTokenId) {
        this(vocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads, relativeAttentionNumBuckets,
                relativeAttentionMaxDistance, dropoutRate, layerNormEpsilon, initializerFactor, feedForwardProj,
                tieWordEmbeddings, padTokenId, eosTokenId, decoderStartTokenId, tieWordEmbeddings);
    }

    public T5Config {
        if (vocabSize <= 0 || dModel <= 0 || dKv <= 0 || dFf <= 0 || numHeads <= 0 || numLayers <= 0
                || numDecoderLayers <= 0)
            throw new UserError("T5 config: sizes must be positive (vocab_size, d_model, d_kv, d_ff, num_heads, " +
                    "num_layers, num_decoder_layers)");
        if (relativeAttentionNumBuckets < 2) throw new
                UserError("T5 config: relative_attention_num_buckets must be >= 2");
        if (dropoutRate < 0 || dropoutRate >= 1) throw new UserError("T5 config: dropout_rate must be in [0, 1), got "
                + dropoutRate);
        activation(feedForwardProj); // validates
    }

    public int innerDim() {
        return numHeads * dKv;
    }

    /** True for the v1.1 gated feed-forward ({@code wi_0}, {@code wi_1}). */
    public boolean isGatedAct() {
        return feedForwardProj.startsWith("gated-");
    }

    /** The activation name HF derives: "gated-gelu" → "gelu_new" (tanh approximation), else the last token. */
    public String denseActFn() {
        return activation(feedForwardProj);
    }

    private static String activation(String proj) {
        if (proj == null) throw new UserError("T5 config: feed_forward_proj is missing");
        String[] parts = proj.split("-");
        if (parts.length > 2 || (parts.length == 2 && !parts[0].equals("gated")))
            throw new UserError("T5 config: feed_forward_proj '" + proj
                    + "' is not valid; use 'relu', 'gelu', 'gated-gelu' or 'gated-relu'");
        String act = parts[parts.length - 1];
        if (act.equals("gelu") && parts.length == 2) return "gelu_new";
        if (!List.of("relu", "gelu", "gelu_new", "silu").contains(act))
            throw new UserError("T5 config: unsupported activation '" + act + "' in feed_forward_proj '" + proj + "'");
        return act;
    }

    public T5Config withDropout(double rate) {
        return new T5Config(vocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads,
                relativeAttentionNumBuckets,
                relativeAttentionMaxDistance, rate, layerNormEpsilon, initializerFactor, feedForwardProj,
                        tieWordEmbeddings,
                padTokenId, eosTokenId, decoderStartTokenId, scaleDecoderOutputs);
    }

    public T5Config withVocabSize(int v) {
        return new T5Config(v, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads, relativeAttentionNumBuckets,
                relativeAttentionMaxDistance, dropoutRate, layerNormEpsilon, initializerFactor, feedForwardProj,
                        tieWordEmbeddings,
                padTokenId, eosTokenId, decoderStartTokenId, scaleDecoderOutputs);
    }

    /** The same architecture with its own {@code lm_head.weight} (the decoder-output scaling is kept). */
    public T5Config withUntiedHead() {
        return new T5Config(vocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads,
                relativeAttentionNumBuckets, relativeAttentionMaxDistance, dropoutRate, layerNormEpsilon,
                initializerFactor, feedForwardProj, false, padTokenId, eosTokenId, decoderStartTokenId,
                scaleDecoderOutputs);
    }

    // ---------------------------------------------------------------- config.json

    /** Reads an HF {@code config.json}; missing fields take HF's defaults. */
    public static T5Config read(Path file) {
        JsonNode n = Json.read(file);
        if (!n.isObject()) throw UserError.at(file, 0, null, "expected a JSON object");
        try {
            return fromJson(n);
        } catch (UserError e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    public static T5Config fromJson(JsonNode n) {
        int numLayers = intField(n, "num_layers", intField(n, "num_hidden_layers", 6));
        JsonNode dec = n.get("num_decoder_layers");
        int numDecoder = dec == null || dec.isNull() ? numLayers : checkedInt(dec, "num_decoder_layers");
        boolean tie = booleanField(n, "tie_word_embeddings", true);
        return new T5Config(
                intField(n, "vocab_size", 32128),
                intField(n, "d_model", intField(n, "hidden_size", 512)),
                intField(n, "d_kv", 64),
                intField(n, "d_ff", 2048),
                numLayers,
                numDecoder,
                intField(n, "num_heads", intField(n, "num_attention_heads", 8)),
                intField(n, "relative_attention_num_buckets", 32),
                intField(n, "relative_attention_max_distance", 128),
                doubleField(n, "dropout_rate", 0.1),
                doubleField(n, "layer_norm_epsilon", 1e-6),
                doubleField(n, "initializer_factor", 1.0),
                n.path("feed_forward_proj").asText("relu"),
                tie,
                intField(n, "pad_token_id", 0),
                intField(n, "eos_token_id", 1),
                intField(n, "decoder_start_token_id", 0),
                booleanField(n, "scale_decoder_outputs", tie));
    }

    private static boolean booleanField(JsonNode n, String name, boolean dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new UserError("field '" + name + "': expected true or false, got " + v);
        return v.booleanValue();
    }

    private static int intField(JsonNode n, String name, int dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return dflt;
        return checkedInt(v, name);
    }

    private static int checkedInt(JsonNode v, String name) {
        if (!v.isIntegralNumber()) throw new UserError("field '" + name + "': expected an integer, got " + v);
        return v.intValue();
    }

    private static double doubleField(JsonNode n, String name, double dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new UserError("field '" + name + "': expected a number, got " + v);
        return v.doubleValue();
    }

    public ObjectNode toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("T5ForConditionalGeneration"));
        m.put("model_type", "t5");
        m.put("vocab_size", vocabSize);
        m.put("d_model", dModel);
        m.put("d_kv", dKv);
        m.put("d_ff", dFf);
        m.put("num_layers", numLayers);
        m.put("num_decoder_layers", numDecoderLayers);
        m.put("num_heads", numHeads);
        m.put("relative_attention_num_buckets", relativeAttentionNumBuckets);
        m.put("relative_attention_max_distance", relativeAttentionMaxDistance);
        m.put("dropout_rate", dropoutRate);
        m.put("layer_norm_epsilon", layerNormEpsilon);
        m.put("initializer_factor", initializerFactor);
        m.put("feed_forward_proj", feedForwardProj);
        m.put("dense_act_fn", denseActFn());
        m.put("is_gated_act", isGatedAct());
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("scale_decoder_outputs", scaleDecoderOutputs); // transformers 5 reads it; 4 ignores it
        m.put("is_encoder_decoder", true);
        m.put("use_cache", true);
        m.put("pad_token_id", padTokenId);
        m.put("eos_token_id", eosTokenId);
        m.put("decoder_start_token_id", decoderStartTokenId);
        return Json.MAPPER.valueToTree(m);
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.writePretty(toJson()) + "\n");
    }

    // ---------------------------------------------------------------- presets

    /** Built-in architectures by name: HF hub names (with or without "google/") and tiny test configs. */
    public static T5Config preset(String name) {
        String n = name.startsWith("google/") ? name.substring("google/".length()) : name;
        T5Config c = PRESETS.get(n);
        if (c == null) throw new UserError("unknown preset '" + name + "'; known presets: " + String.join(", ",
                PRESETS.keySet()));
        return c;
    }

    public static List<String> presetNames() {
        return List.copyOf(PRESETS.keySet());
    }

    private static T5Config v10(int d, int ff, int kv, int heads, int layers) {
        return new T5Config(32128, d, kv, ff, layers, layers, heads, 32, 128, 0.1, 1e-6, 1.0, "relu", true, 0, 1, 0);
    }

    private static T5Config v11(int d, int ff, int heads, int layers) {
        return new T5Config(32128, d, 64, ff, layers, layers, heads, 32, 128, 0.1, 1e-6, 1.0, "gated-gelu", false, 0, 1,
                0);
    }

    private static final Map<String, T5Config> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("t5-small", v10(512, 2048, 64, 8, 6));
        PRESETS.put("t5-base", v10(768, 3072, 64, 12, 12));
        PRESETS.put("t5-large", v10(1024, 4096, 64, 16, 24));
        PRESETS.put("t5-3b", v10(1024, 16384, 128, 32, 24));
        PRESETS.put("t5-11b", v10(1024, 65536, 128, 128, 24));
        String[] sizes = {"small", "base", "large", "xl", "xxl"};
        T5Config[] v11s = {v11(512, 1024, 6, 8), v11(768, 2048, 12, 12), v11(1024, 2816, 16, 24), v11(2048, 5120, 32,
                24),
                v11(4096, 10240, 64, 24)};
        for (int i = 0; i < sizes.length; i++) PRESETS.put("t5-v1_1-" + sizes[i], v11s[i]);
        // LM-adapted checkpoints (t5.1.1.lm100k.*) share the v1.1 architecture.
        for (int i = 0; i < sizes.length; i++) PRESETS.put("t5-" + sizes[i] + "-lm-adapt", v11s[i]);
        // Tiny configs for tests and demos (vocab 512 fits the built-in synthetic vocabularies).
        PRESETS.put("tiny", new T5Config(512, 64, 16, 128, 2, 2, 4, 32, 128, 0.0, 1e-6, 1.0, "relu", true, 0, 1, 0));
        // The quickstart model: small enough to train on 2 CPU cores in minutes.
        PRESETS.put("quickstart", new T5Config(512, 128, 32, 512, 2, 2, 4, 32, 128, 0.0, 1e-6, 1.0, "relu", true, 0, 1,
                0));
        PRESETS.put("tiny-v1_1", new T5Config(512, 64, 16, 96, 2, 2, 4, 32, 128, 0.0, 1e-6, 1.0, "gated-gelu", false, 0,
                1, 0));
    }
}
