package dev.t5j.serve;

import java.io.IOException;
import java.util.TreeSet;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.GenerationConfig;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict parsing of request bodies: malformed JSON, unknown fields, wrong types and out-of-range values are each a
 * 400 naming the field. Generation options take the names and defaults of {@code t5j generate} (HF's generate).
 */
final class Requests {
    private Requests() {}

    /** {@code /v1/generate}: inputs, how to decode, whether to stream, the deadline. */
    record Generate(List<String> inputs, GenerationConfig cfg, boolean stream, long timeoutMs) {}

    /** {@code /v1/score}: log-likelihood of each choice given the input. */
    record Score(String input, List<String> choices) {}

    static final Set<String> GENERATE_FIELDS = Set.of("inputs", "max_new_tokens", "min_new_tokens", "num_beams",
            "length_penalty", "early_stopping", "do_sample", "temperature", "top_k", "top_p", "seed", "stream",
            "timeout_ms");

    static JsonNode object(byte[] body) {
        if (body.length == 0) throw ApiError.invalid("the request body is empty; send a JSON object");
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.invalid("unreadable body: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw ApiError.invalid("the body must be a JSON object");
        return n;
    }

    static Generate generate(JsonNode n, ServeConfig cfg) {
        known(n, GENERATE_FIELDS);
        List<String> inputs = texts(n, "inputs");
        int maxNew = integer(n, "max_new_tokens", 20, 1, cfg.maxNewTokens());
        int minNew = integer(n, "min_new_tokens", 0, 0, maxNew);
        int beams = integer(n, "num_beams", 1, 1, 64);
        double alpha = number(n, "length_penalty", 1.0);
        boolean early = bool(n, "early_stopping", false);
        boolean sample = bool(n, "do_sample", false);
        double temperature = number(n, "temperature", 1.0);
        int topK = integer(n, "top_k", 0, 0, Integer.MAX_VALUE);
        double topP = number(n, "top_p", 1.0);
        long seed = n.has("seed") ? longValue(n, "seed") : 0;
        boolean stream = bool(n, "stream", false);
        long timeout = n.has("timeout_ms") ? integer(n, "timeout_ms", 0, 1, Integer.MAX_VALUE) : cfg.timeoutMs();
        GenerationConfig g;
        try {
            g = new GenerationConfig(maxNew, minNew, beams, alpha, GenerationConfig.LengthPenalty.HF, early, sample,
                    temperature, topK, topP, seed);
        } catch (UserError e) {
            throw ApiError.invalid(e.getMessage());
        }
        return new Generate(inputs, g, stream, Math.min(timeout, cfg.timeoutMs()));
    }

    static Score score(JsonNode n) {
        known(n, Set.of("input", "choices"));
        JsonNode in = n.get("input");
        if (in == null) throw ApiError.invalid("'input' is missing");
        if (!in.isTextual() || in.asText().isEmpty()) throw ApiError.invalid("'input' must be a non-empty string");
        List<String> choices = texts(n, "choices");
        if (!n.get("choices").isArray()) throw ApiError.invalid("'choices' must be a list of strings");
        return new Score(in.asText(), choices);
    }

    /** {@code /v1/retrieve} and {@code /v1/answer}: the question and how many passages (null: the model's own). */
    record Retrieve(String query, Integer k, Integer maxNewTokens) {}

    static Retrieve retrieve(JsonNode n, boolean answer, ServeConfig cfg) {
        known(n, answer ? Set.of("query", "k", "max_new_tokens") : Set.of("query", "k"));
        JsonNode q = n.get("query");
        if (q == null) throw ApiError.invalid("'query' is missing");
        if (!q.isTextual() || q.asText().isBlank()) throw ApiError.invalid("'query' must be a non-empty string");
        Integer k = n.has("k") ? integer(n, "k", 0, 1, 100) : null;
        Integer maxNew = n.has("max_new_tokens") ? integer(n, "max_new_tokens", 0, 1, cfg.maxNewTokens()) : null;
        return new Retrieve(q.asText(), k, maxNew);
    }

    static List<String> embed(JsonNode n) {
        known(n, Set.of("inputs"));
        return texts(n, "inputs");
    }

    static void known(JsonNode n, Set<String> fields) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f))
                throw ApiError.invalid("unknown field '" + f + "' (allowed: " + String.join(", ",
                        new TreeSet<>(fields)) + ")");
        }
    }

    /** A non-empty string or a non-empty list of non-empty strings. */
    static List<String> texts(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null) throw ApiError.invalid("'" + field + "' is missing");
        List<String> out = new ArrayList<>();
        if (v.isTextual()) out.add(v.asText());
        else if (v.isArray()) for (JsonNode e : v) {
            if (!e.isTextual()) throw ApiError.invalid("'" + field + "' must hold strings, got "
                    + e.getNodeType().name().toLowerCase());
            out.add(e.asText());
        }
        else throw ApiError.invalid("'" + field + "' must be a string or a list of strings");
        if (out.isEmpty()) throw ApiError.invalid("'" + field + "' is empty");
        for (int i = 0; i < out.size(); i++)
            if (out.get(i).isEmpty()) throw ApiError.invalid("'" + field + "'[" + i + "] is an empty string");
        return out;
    }

    static int integer(JsonNode n, String field, int dflt, int min, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw ApiError.invalid("'" + field + "' must be an integer");
        int x = v.intValue();
        if (x < min || x > max) throw ApiError.invalid("'" + field + "' must be in [" + min + ", " + max + "], got "
                + x);
        return x;
    }

    static long longValue(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiError.invalid("'" + field
                + "' must be an integer");
        return v.longValue();
    }

    static double number(JsonNode n, String field, double dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw ApiError.invalid("'" + field + "' must be a number");
        return v.doubleValue();
    }

    static boolean bool(JsonNode n, String field, boolean dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw ApiError.invalid("'" + field + "' must be true or false");
        return v.booleanValue();
    }
}
