package dev.t5j.data.tasks;

import java.util.TreeSet;
import dev.t5j.data.Preprocessor;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.objectives.Denoising;
import dev.t5j.data.objectives.RuleBasedSalientSpans;
import dev.t5j.data.objectives.SalientSpanMasking;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Preprocessors by name, for task definition files: {@code "tokenize"} or {@code {"name": "template", "field":
 * "inputs", "template": "nq question: {question}"}}. Unknown names and unknown parameters are errors naming the file
 * and the field path, listing what is known. New names can be registered (e.g. a model-based SSM recognizer).
 */
public final class PreprocessorRegistry {
    /** Reads parameters with defaults; records which keys were used so unknown ones can be reported. */
    public static final class Params {
        private final JsonNode node;
        private final String where;
        private final Set<String> allowed;

        Params(JsonNode node, String where, Set<String> allowed) {
            this.node = node;
            this.where = where;
            this.allowed = allowed;
        }

        private JsonNode get(String k) {
            if (!allowed.contains(k)) throw new IllegalStateException("undeclared parameter " + k);
            JsonNode v = node == null ? null : node.get(k);
            return v == null || v.isNull() ? null : v;
        }

        public String string(String k, String def) {
            JsonNode v = get(k);
            if (v == null) return def;
            if (!v.isTextual()) throw new UserError(where + "." + k + ": expected a string");
            return v.textValue();
        }

        public String requiredString(String k) {
            String s = string(k, null);
            if (s == null) throw new UserError(where + "." + k + ": missing");
            return s;
        }

        public double number(String k, double def) {
            JsonNode v = get(k);
            if (v == null) return def;
            if (!v.isNumber()) throw new UserError(where + "." + k + ": expected a number");
            return v.doubleValue();
        }

        public boolean bool(String k, boolean def) {
            JsonNode v = get(k);
            if (v == null) return def;
            if (!v.isBoolean()) throw new UserError(where + "." + k + ": expected true or false");
            return v.booleanValue();
        }

        public Map<String, String> stringMap(String k) {
            JsonNode v = get(k);
            if (v == null || !v.isObject()) throw new UserError(where + "." + k
                    + ": expected an object of field names");
            Map<String, String> m = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            return m;
        }
    }

    private record Entry(Set<String> params, Function<Params, Preprocessor> factory, String doc) {}

    private final Map<String, Entry> entries = new TreeMap<>();

    public PreprocessorRegistry register(String name, Set<String> params, String doc, Function<Params,
            Preprocessor> factory) {
        entries.put(name, new Entry(Set.copyOf(params), factory, doc));
        return this;
    }

    public Set<String> names() {
        return entries.keySet();
    }

    public String doc(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.doc + (e.params.isEmpty() ? "" : " params: " + new TreeSet<>(e.params));
    }

    /** Builds one preprocessor from a string name or an object with {@code name} and parameters. */
    public Preprocessor create(JsonNode spec, String where) {
        String name;
        JsonNode params = null;
        if (spec.isTextual()) name = spec.textValue();
        else if (spec.isObject() && spec.hasNonNull("name")) {
            name = spec.get("name").asText();
            params = spec;
        } else throw new UserError(where + ": expected a preprocessor name or an object with \"name\"");
        Entry e = entries.get(name);
        if (e == null) throw new UserError(where + ".name: unknown preprocessor '" + name + "' (known: "
                + String.join(", ", entries.keySet()) + ")");
        if (params != null) {
            List<String> unknown = new ArrayList<>();
            params.fieldNames().forEachRemaining(k -> {
                if (!k.equals("name") && !e.params.contains(k)) unknown.add(k);
            });
            if (!unknown.isEmpty())
                throw new UserError(where + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ") + unknown
                        + " for preprocessor '" + name
                        + "' (allowed: " + (e.params.isEmpty() ? "none" : String.join(", ",
                                new TreeSet<>(e.params))) + ")");
        }
        return e.factory.apply(new Params(params, where, e.params));
    }

    /** The built-in preprocessors. */
    public static PreprocessorRegistry standard() {
        PreprocessorRegistry r = new PreprocessorRegistry();
        r.register("rekey", Set.of("map"), "seqio rekey: output has exactly the keys of map {new: old}", p
                -> Preprocessors.rekey(p.stringMap("map")));
        r.register("copy_fields", Set.of("map"), "copy fields {new: old}, keeping the others", p
                -> Preprocessors.copyFields(p.stringMap("map")));
        r.register("template", Set.of("field", "template"), "set field to a template like \"nq question: {question}\"",
                p -> Preprocessors.template(p.requiredString("field"), p.requiredString("template")));
        r.register("tokenize", Set.of("copy_pretokenized", "with_eos"), "encode output features with their vocabulary",
                p -> Preprocessors.tokenize(p.bool("copy_pretokenized", true), p.bool("with_eos", false)));
        r.register("tokenize_and_append_eos", Set.of("copy_pretokenized"), "tokenize, then append EOS where add_eos",
                p -> Preprocessors.tokenize(p.bool("copy_pretokenized", true), true));
        r.register("append_eos", Set.of(), "append EOS to features with add_eos", p -> Preprocessors.appendEos());
        r.register("append_eos_after_trim", Set.of(), "truncate to length-1, then append EOS", p
                -> Preprocessors.appendEosAfterTrim());
        r.register("trim", Set.of(), "truncate to the sequence lengths", p -> Preprocessors.trim());
        r.register("sample_answer", Set.of("from", "to"),
                "target = random answer per epoch on train, first answer otherwise",
                p -> Preprocessors.sampleAnswer(p.string("from", "answers"), p.string("to", "targets")));
        r.register("drop_empty", Set.of("field"), "drop examples whose field is empty", p
                -> Preprocessors.dropEmpty(p.requiredString("field")));
        r.register("cache_placeholder", Set.of(), "t5j data cache stores the stream up to here", p
                -> Preprocessors.CACHE_PLACEHOLDER);
        r.register("span_corruption", Set.of("noise_density", "mean_noise_span_length", "merge_examples"),
                "T5 span corruption on tokenized targets (needs sequence lengths)",
                p -> Denoising.spanCorruption(p.number("noise_density", 0.15), p.number("mean_noise_span_length", 3.0),
                        p.bool("merge_examples", true)));
        r.register("iid_denoising", Set.of("noise_density"), "T5 i.i.d. denoising on tokenized targets",
                p -> Denoising.iidDenoising(p.number("noise_density", 0.15)));
        r.register("prefix_lm", Set.of("noise_density"), "T5 prefix LM on tokenized targets", p
                -> Denoising.prefixLm(p.number("noise_density", 0.5)));
        r.register("salient_span_masking", Set.of("field", "prefix", "mask", "split_sentences"),
                "one example per salient span (rule-based recognizer)",
                p -> new SalientSpanMasking(new RuleBasedSalientSpans(), p.string("field", "text"), p.string("prefix",
                        "nem: "),
                        p.string("mask", "_X_"), p.bool("split_sentences", false)));
        r.register("natural_questions_open", Set.of("prefix"), "CBQA: inputs = prefix + question, answers = answer",
                p -> ClosedBookQa.naturalQuestionsOpen(p.string("prefix", ClosedBookQa.NQ_PREFIX)));
        r.register("web_questions_open", Set.of("prefix"),
                "CBQA: inputs = prefix + utterance, answers = targetValue descriptions",
                p -> ClosedBookQa.webQuestionsOpen(p.string("prefix", ClosedBookQa.WQ_PREFIX)));
        r.register("trivia_qa_open", Set.of("prefix"), "CBQA: inputs = prefix + Question, answers = Answer aliases",
                p -> ClosedBookQa.triviaQaOpen(p.string("prefix", ClosedBookQa.TQA_PREFIX)));
        return r;
    }
}
