package dev.t5j.data;

import dev.t5j.tokenizer.Vocabulary;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/** The small general-purpose preprocessors (seqio's rekey, tokenize, append_eos, ...), as factories. */
public final class Preprocessors {
    private Preprocessors() {}

    private record Named(String name, boolean stochastic, Step step) implements Preprocessor.PerExample {
        @Override
        public Example map(Example e, PreprocessContext ctx, RandomGenerator rng) {
            return step.map(e, ctx, rng);
        }
    }

    @FunctionalInterface
    public interface Step {
        Example map(Example e, PreprocessContext ctx, RandomGenerator rng);
    }

    /** A per-example step from a lambda (for tasks defined in code). */
    public static Preprocessor map(String name, Function<Example, Example> f) {
        return new Named(name, false, (e, ctx, rng) -> f.apply(e));
    }

    /**
     * seqio {@code rekey}: the output has exactly the keys of {@code newToOld}; a null or empty old key gives "".
     * A missing old field is bad input.
     */
    public static Preprocessor rekey(Map<String, String> newToOld) {
        Map<String, String> m = new LinkedHashMap<>(newToOld);
        return new Named("rekey", false, (e, ctx, rng) -> {
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            for (var en : m.entrySet()) {
                String old = en.getValue();
                if (old == null || old.isEmpty()) {
                    out.put(en.getKey(), "");
                } else {
                    Object v = e.get(old);
                    if (v == null) throw e.bad(old, "missing (rekey to '" + en.getKey() + "')");
                    out.put(en.getKey(), v);
                }
            }
            return e.replaceFields(out);
        });
    }

    /** Copies fields under new names, keeping all others ({@code {"question_text": "question"}} adds question_text). */
    public static Preprocessor copyFields(Map<String, String> newToOld) {
        Map<String, String> m = new LinkedHashMap<>(newToOld);
        return new Named("copy_fields", false, (e, ctx, rng) -> {
            LinkedHashMap<String, Object> out = e.copyFields();
            for (var en : m.entrySet()) {
                Object v = e.get(en.getValue());
                if (v == null) throw e.bad(en.getValue(), "missing (copy to '" + en.getKey() + "')");
                out.put(en.getKey(), v);
            }
            return e.replaceFields(out);
        });
    }

    /** Sets {@code field} to a string template over the example's fields, e.g. {@code "nq question: {question}"}. */
    public static Preprocessor template(String field, String template) {
        Template t = new Template(template);
        return new Named("template", false, (e, ctx, rng) -> e.with(field, t.apply(e)));
    }

    /**
     * seqio {@code tokenize}: every output feature present as a string is encoded with its vocabulary; the text is kept
     * as {@code <name>_pretokenized} when {@code copyPretokenized}. With {@code withEos} EOS is appended to features
     * whose {@code addEos} is set.
     */
    public static Preprocessor tokenize(boolean copyPretokenized, boolean withEos) {
        return new Named(withEos ? "tokenize_and_append_eos" : "tokenize", false, (e, ctx, rng) -> {
            LinkedHashMap<String, Object> out = null;
            for (var en : ctx.outputFeatures().entrySet()) {
                String k = en.getKey();
                Object v = e.get(k);
                if (!(v instanceof String s)) continue;
                if (out == null) out = e.copyFields();
                Vocabulary vocab = en.getValue().vocabulary();
                int[] ids = vocab.encode(s);
                if (withEos && en.getValue().addEos()) ids = appendEos(ids, vocab.eosId());
                out.put(k, ids);
                if (copyPretokenized) out.put(k + "_pretokenized", s);
            }
            return out == null ? e : e.replaceFields(out);
        });
    }

    /** seqio {@code append_eos}: appends EOS to token features whose output feature has {@code addEos}. */
    public static Preprocessor appendEos() {
        return new Named("append_eos", false, (e, ctx, rng) -> {
            LinkedHashMap<String, Object> out = null;
            for (var en : ctx.outputFeatures().entrySet()) {
                if (!en.getValue().addEos() || !(e.get(en.getKey()) instanceof int[] ids)) continue;
                if (out == null) out = e.copyFields();
                out.put(en.getKey(), appendEos(ids, en.getValue().vocabulary().eosId()));
            }
            return out == null ? e : e.replaceFields(out);
        });
    }

    /**
     * seqio {@code append_eos_after_trim}: when a sequence length is known, truncate to length−1 first so the EOS
     * survives the final trim; without lengths it is {@link #appendEos()}.
     */
    public static Preprocessor appendEosAfterTrim() {
        return new Named("append_eos_after_trim", false, (e, ctx, rng) -> {
            LinkedHashMap<String, Object> out = null;
            for (var en : ctx.outputFeatures().entrySet()) {
                if (!en.getValue().addEos() || !(e.get(en.getKey()) instanceof int[] ids)) continue;
                Integer len = ctx.sequenceLengths() == null ? null : ctx.sequenceLengths().get(en.getKey());
                if (len != null && ids.length > len - 1) ids = Arrays.copyOf(ids, Math.max(0, len - 1));
                if (out == null) out = e.copyFields();
                out.put(en.getKey(), appendEos(ids, en.getValue().vocabulary().eosId()));
            }
            return out == null ? e : e.replaceFields(out);
        });
    }

    /** Truncates token features to the sequence lengths (no-op for features without a length). */
    public static Preprocessor trim() {
        return new Named("trim", false, (e, ctx, rng) -> trimTo(e, ctx.sequenceLengths()));
    }

    static Example trimTo(Example e, Map<String, Integer> lengths) {
        if (lengths == null) return e;
        LinkedHashMap<String, Object> out = null;
        for (var en : lengths.entrySet()) {
            if (e.get(en.getKey()) instanceof int[] ids && ids.length > en.getValue()) {
                if (out == null) out = e.copyFields();
                out.put(en.getKey(), Arrays.copyOf(ids, en.getValue()));
            }
        }
        return out == null ? e : e.replaceFields(out);
    }

    /**
     * Sets {@code to} from the list field {@code from}: on the train split a uniformly random element, fresh each epoch
     * (CBQA "random answer per epoch"); on other splits the first element. An empty list is bad input.
     */
    public static Preprocessor sampleAnswer(String from, String to) {
        return new Named("sample_answer", true, (e, ctx, rng) -> {
            List<String> answers = e.strings(from);
            if (answers.isEmpty()) {
                if (ctx.training()) throw e.bad(from, "empty answer list");
                return e.with(to, ""); // e.g. TriviaQA test files have no answers
            }
            String pick = ctx.training() ? answers.get(rng.nextInt(answers.size())) : answers.get(0);
            return e.with(to, pick);
        });
    }

    /** Drops examples whose {@code field} is empty (string or token ids). */
    public static Preprocessor dropEmpty(String field) {
        return new Named("drop_empty", false, (e, ctx, rng) -> {
            Object v = e.get(field);
            if (v == null) return null;
            if (v instanceof String s && s.isEmpty()) return null;
            if (v instanceof int[] a && a.length == 0) return null;
            return e;
        });
    }

    static int[] appendEos(int[] ids, int eos) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }

    /**
     * seqio's {@code CacheDatasetPlaceholder}: marks where {@code t5j data cache} stops; the steps after it run when
     * the
     * cache is read (stochastic steps there get fresh randomness every epoch). A no-op in the stream.
     */
    public static final Preprocessor CACHE_PLACEHOLDER = new Preprocessor() {
        @Override
        public String name() {
            return "cache_placeholder";
        }

        @Override
        public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
            return in;
        }
    };
}
