package dev.t5j.atlas;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import dev.t5j.atlas.tasks.PyFormat;
import dev.t5j.optim.Schedule;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.UserError;
import dev.t5j.run.ConfigTree;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;

/**
 * An Atlas run as plain data: Atlas's command-line flags become snake_case keys grouped by what they configure. Read
 * like the T5 run config, TrainConfig (defaults ← YAML/JSON ← {@code --set}), strict about unknown keys and types.
 * A config file is an Atlas config when it has an {@code atlas} or {@code retriever} section.
 */
public record AtlasConfig(Reader reader, Retriever retriever, Index index, TaskCfg task, Atlas atlas, Optim optimizer,
                          Train train, Eval eval, String out) {

    /**
     * The FiD reader: a T5 {@code preset}, a {@code config} json, or {@code init_from} an HF checkpoint dir;
     * {@code vocab} a T5 .model.
     */
    public record Reader(String preset, String config, String initFrom, String vocab, double dropout) {}

    /**
     * The Contriever retriever: {@code init_from} a retriever/HF BERT directory, or {@code preset} for a fresh init
     * ({@code vocab} = a BERT vocab.txt then). {@code querySideTraining} unties the encoders and freezes the passage
     * side.
     */
    public record Retriever(String preset, String initFrom, String vocab, boolean queryTied, boolean querySideTraining,
                            String pooling, int maxLength) {}

    /**
     * @param passages passage jsonl files (Atlas format)
     * @param load     a saved index to start from (skips the initial build when its fingerprint matches)
     * @param save     where to save the index after every refresh (null = do not save)
     * @param refresh  Atlas's {@code --refresh_index} schedule ("-1", "N", or "s-e:r,...")
     */
    public record Index(List<String> passages, String load, String save, int shards, String dtype, String refresh,
                        boolean force, int embedBatchSize, Integer maxPassages) {}

    /**
     * {@code name}: an Atlas task (qa, base, mlm, lm, section, multiple_choice, fever, kilt); the rest are Atlas's task
     * flags.
     */
    public record TaskCfg(String name, List<String> trainData, List<String> evalData, String qaPromptFormat,
                          double mlmNoiseDensity, double mlmMeanNoiseSpanLength, Integer minWordsPerLmInstance,
                          double minLmContextRatio, double maxLmContextRatio, int multipleChoiceNumOptions,
                          String multipleChoiceTrainPermutations, String multipleChoiceEvalPermutations) {}

    public record Atlas(int nContext,
            @JsonProperty("retriever_n_context") int retrieverNContext,
                    GoldScoreMode goldScoreMode, boolean trainRetriever,
                        double temperatureScore, double temperatureGold, int textMaxlength, int targetMaxlength,
                        long freezeRetrieverSteps, boolean retrieveWithRerank, int nToRerankWithRetrieveWithRerank,
                        int filteringOverretrieveRatio, boolean closedBook, boolean useFilePassages,
                        String encoderFormat, String retrieverFormat) {}

    /**
     * AdamW for both (Atlas's defaults: betas 0.9, 0.999); {@code lrRetriever} is the retriever's own learning rate;
     * {@code scheduler}: Atlas's linear, cosine or fixed.
     */
    public record Optim(double lr, double lrRetriever, double weightDecay, double beta1, double beta2, double eps,
                        double clip, String scheduler, long warmup) {}

    /** {@code checkpointKeep}: step checkpoints kept (the newest). */
    public record Train(long steps, int batchSize, long seed, int logEvery, Integer threads, long evalEvery,
                        long checkpointEvery, int checkpointKeep, String device) {}

    /**
     * {@code examples} 0 = all; {@code recallAt}: k values of the retrieval recall reported when gold passage ids are
     * known.
     */
    public record Eval(int examples, int batchSize, int maxNewTokens, int numBeams, boolean writeResults,
            List<Integer> recallAt) {}

    /** A field map that has every name (checking a format string's syntax without knowing the passages). */
    private static final Map<String, Object> ANY_FIELD = new AbstractMap<>() {
        @Override
        public boolean containsKey(Object key) {
            return true;
        }

        @Override
        public Object get(Object key) {
            return "";
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of();
        }
    };

    public static ObjectNode defaults() {
        return ConfigTree.parseDefaults("""
                reader: {preset: null, config: null, init_from: null, vocab: null, dropout: 0.1}
                retriever: {preset: null, init_from: null, vocab: null, query_tied: true, query_side_training: false,
                            pooling: average, max_length: 200}
                index: {passages: [], load: null, save: null, shards: 1, dtype: fp32, refresh: "-1", force: false,
                        embed_batch_size: 64, max_passages: null}
                task: {name: qa, train_data: [], eval_data: [],
                       qa_prompt_format: "question: {question} answer: <extra_id_0>",
                       mlm_noise_density: 0.15, mlm_mean_noise_span_length: 3, min_words_per_lm_instance: null,
                       min_lm_context_ratio: 0.5, max_lm_context_ratio: 0.5, multiple_choice_num_options: 4,
                       multiple_choice_train_permutations: single, multiple_choice_eval_permutations: single}
                atlas: {n_context: 4, retriever_n_context: 4, gold_score_mode: pdist, train_retriever: true,
                        temperature_score: 0.01, temperature_gold: 0.01, text_maxlength: 200, target_maxlength: 16,
                        freeze_retriever_steps: -1, retrieve_with_rerank: false,
                        n_to_rerank_with_retrieve_with_rerank: 128,
                        filtering_overretrieve_ratio: 2, closed_book: false, use_file_passages: false,
                        encoder_format: "{query} title: {title} context: {text}", retriever_format: "{title} {text}"}
                optimizer: {lr: 1.0e-4, lr_retriever: 1.0e-5, weight_decay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1.0e-6,
                            clip: 1.0,
                            scheduler: linear, warmup: 0}
                train: {steps: 100, batch_size: 4, seed: 0, log_every: 10, threads: null, device: cpu, eval_every: 0,
                        checkpoint_every: 0,
                       checkpoint_keep: 2}
                eval: {examples: 0, batch_size: 8, max_new_tokens: 32, num_beams: 1, write_results: true,
                       recall_at: [1, 5, 10]}
                out: runs/atlas
                """);
    }

    /** True when a parsed config file is an Atlas config (has an {@code atlas} or {@code retriever} section). */
    public static boolean isAtlasConfig(Path file) {
        JsonNode n = ConfigTree.readFile(file);
        return n != null && (n.has("atlas") || n.has("retriever"));
    }

    public static AtlasConfig load(Path file, List<String> overrides) {
        AtlasConfig c = ConfigTree.load(defaults(), file, overrides, AtlasConfig.class);
        c.validate(file == null ? "config" : file.toString());
        return c;
    }

    /** Keys a resumed run may change: length, cadences, threads (everything else would make it another run). */
    public static final Set<String> RESUMABLE_KEYS = new LinkedHashSet<>(List.of("train.steps", "train.threads",
            "train.device", "train.log_every", "train.eval_every", "train.checkpoint_every", "train.checkpoint_keep"));

    /** The config of a run being resumed: its own {@code config.yaml}; see {@code ConfigTree.loadForResume}. */
    public static AtlasConfig loadForResume(Path runConfig, Path file, List<String> overrides, PrintStream log) {
        AtlasConfig c = ConfigTree.loadForResume(defaults(), runConfig, file, overrides, AtlasConfig.class,
                RESUMABLE_KEYS, log);
        c.validate(runConfig.toString());
        return c;
    }

    /** File names of a config list as paths (none for null). */
    public static List<Path> paths(List<String> files) {
        List<Path> out = new ArrayList<>();
        if (files != null) for (String f : files) out.add(Path.of(f));
        return out;
    }

    /** Passages per example the reader reads: n_context with retrieval or file passages, 1 closed-book. */
    public int readerContexts() {
        return usesRetrieval() || atlas.useFilePassages() ? atlas.nContext() : 1;
    }

    /** The reader's input format: the encoder format, or the bare query closed-book (Atlas's {@code --closed_book}). */
    public String readerFormat() {
        return atlas.closedBook() ? "{query}" : atlas.encoderFormat();
    }

    public GoldScoreMode goldScoreMode() {
        return atlas.goldScoreMode();
    }

    /**
     * Closed-book forces one context, the bare query as encoder input and no retrieval, as Atlas's
     * {@code --closed_book}.
     */
    public boolean usesRetrieval() {
        return !atlas.closedBook() && !atlas.useFilePassages();
    }

    private void validate(String source) {
        List<String> errs = new ArrayList<>();
        int readerSources = (reader.preset() != null ? 1 : 0) + (reader.config() != null ? 1 : 0)
                + (reader.initFrom() != null ? 1 : 0);
        if (readerSources != 1)
            errs.add("reader: give exactly one of preset (e.g. tiny, t5-base-lm-adapt), config, init_from (got "
                    + readerSources + ")");
        if ((retriever.preset() == null) == (retriever.initFrom() == null) && usesRetrieval())
            errs.add("retriever: give exactly one of preset (e.g. tiny, contriever) or init_from (a Contriever/BERT "
                    + "directory)");
        if (!List.of("average", "sqrt", "cls").contains(retriever.pooling())) errs.add("retriever.pooling: '"
                + retriever.pooling() + "' (allowed: average, sqrt, cls)");
        if (retriever.maxLength() < 2) errs.add("retriever.max_length must be >= 2");
        if (usesRetrieval() && index.passages().isEmpty() && index.load() == null)
            errs.add("index: give passages (jsonl files) or load (a saved index) — or set atlas.closed_book");
        if (index.shards() < 1) errs.add("index.shards must be >= 1");
        if (!List.of("fp32", "fp16").contains(index.dtype())) errs.add("index.dtype: '" + index.dtype()
                + "' (allowed: fp32, fp16)");
        if (index.embedBatchSize() < 1) errs.add("index.embed_batch_size must be >= 1");
        if (task.name() == null || task.name().isBlank()) errs.add("task.name: required");
        if (atlas.nContext() < 1) errs.add("atlas.n_context must be >= 1");
        if (atlas.retrieverNContext() < atlas.nContext()) errs.add("atlas.retriever_n_context ("
                + atlas.retrieverNContext() + ") must be >= n_context (" + atlas.nContext() + ")");
        if (!(atlas.temperatureScore() > 0)
                || !(atlas.temperatureGold() > 0)) errs.add("atlas.temperature_score/temperature_gold must be > 0");
        if (atlas.textMaxlength() < 2
                || atlas.targetMaxlength() < 2) errs.add("atlas.text_maxlength/target_maxlength must be >= 2");
        if (atlas.filteringOverretrieveRatio() < 1) errs.add("atlas.filtering_overretrieve_ratio must be >= 1");
        if (atlas.retrieveWithRerank() && atlas.nToRerankWithRetrieveWithRerank() < atlas.retrieverNContext())
            errs.add("atlas.n_to_rerank_with_retrieve_with_rerank must be >= retriever_n_context");
        if (atlas.goldScoreMode() == null) errs.add("atlas.gold_score_mode: required (pdist, adist, emdr, loop)");
        for (String[] f : new String[][]{{"atlas.encoder_format", atlas.encoderFormat()}, {"atlas.retriever_format",
                atlas.retrieverFormat()}}) {
            try { // syntax only: the passages' own fields may be named, so any name is accepted here
                PyFormat.format(f[1], ANY_FIELD);
            } catch (IllegalArgumentException e) {
                errs.add(f[0] + ": " + e.getMessage());
            }
        }
        try {
            IndexRefreshSchedule.parse(index.refresh());
        } catch (UserError e) {
            errs.add("index.refresh: " + e.getMessage());
        }
        try {
            Schedule.Kind.atlas(optimizer.scheduler());
        } catch (UserError e) {
            errs.add(e.getMessage());
        }
        if (!(optimizer.lr() > 0)
                || optimizer.lrRetriever() < 0) errs.add("optimizer.lr must be > 0 and lr_retriever >= 0");
        if (optimizer.warmup() < 0) errs.add("optimizer.warmup must be >= 0");
        if (!(optimizer.beta1() >= 0 && optimizer.beta1() < 1) || !(optimizer.beta2() >= 0 && optimizer.beta2() < 1))
            errs.add("optimizer.beta1/beta2 must be in [0, 1)");
        if (train.steps() < 0 || train.batchSize() < 1
                || train.logEvery() < 1) errs.add("train: steps >= 0, batch_size >= 1, log_every >= 1");
        if (train.evalEvery() < 0 || train.checkpointEvery() < 0 || train.checkpointKeep() < 1)
            errs.add("train: eval_every >= 0, checkpoint_every >= 0, checkpoint_keep >= 1");
        if (eval.examples() < 0 || eval.batchSize() < 1 || eval.maxNewTokens() < 1
                || eval.numBeams() < 1) errs.add("eval: examples >= 0, batch_size/max_new_tokens/num_beams >= 1");
        if (out == null || out.isBlank()) errs.add("out: required (the run directory)");
        if (!errs.isEmpty()) throw new UserError(source + ": " + String.join("; ", errs));
    }

    public String toYaml() {
        return ConfigTree.toYaml(this);
    }
}
