package dev.t5j.train;

import java.util.ArrayList;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.run.ConfigTree;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.adapters.AdapterConfig;
import dev.t5j.common.UserError;
import dev.t5j.optim.OptimizerName;
import dev.t5j.optim.Schedule;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.tasks.DataSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * A training run as plain data, read from YAML or JSON (snake_case keys) with {@code --set a.b=value} overrides.
 * Unknown keys and wrong types are errors naming the key and the allowed keys, before any work starts.
 */
public record TrainConfig(Model model, Data data, OptimizerCfg optimizer, ScheduleCfg schedule, Loss loss, Train train,
                          Eval eval, CheckpointCfg checkpoint, String out, AdapterConfig adapters) {

    /**
     * {@code preset} or {@code config} (a config.json) for a fresh init; {@code initFrom} loads an HF checkpoint.
     * {@code initScheme} (e.g. "per_param_grouping___init_mean_std") applies the statistics of {@code initStatsFrom} to
     * the
     * fresh init; {@code preAttnLnValue} sets every pre-attention layer norm to a constant (synthetic-pretraining
     * paper,
     * Tables 2 and 3).
     */
    public record Model(String preset, String config, String initFrom, Double dropout, Integer vocabSize,
                        String initScheme, String initStatsFrom, Double preAttnLnValue) {}

    /**
     * @param task        task or mixture name (see {@code t5j data list})
     * @param vocab       vocabulary file (.model, tokenizer.json, vocab.txt) or "byte"; null = the built-in one
     * @param synthLength synthetic tasks: [min, max] input length; null = the paper's [10, 220]
     * @param synthPool   synthetic tasks: number of distinct content tokens (null = the built-in vocabulary's 256)
     * @param tokensPerBatch T0/mesh-tf {@code ('tokens_per_batch', N)}: rows per batch =
     *                    {@code N / max(inputs_length, targets_length)} (rounded down); null = {@code batchSize} rows
     * @param useCached   seqio {@code use_cached}: read the tasks from {@code cacheDir} (written by
     *                    {@code t5j data cache}); a task without a complete cache there is an error
     * @param taskSampling per-task adapters on a mixture: the temperature of HyperFormer's one-task-per-batch sampler
     * @param allowMissing a mixture whose members' data is not all on disk (e.g. {@code t0_train}) trains on the
     *                    members present, after a note naming the others; false = an error naming them, before step 1
     */
    public record Data(String task, String vocab, String dataDir, List<String> taskFiles, int inputsLength,
                       int targetsLength, boolean pack, int batchSize, boolean shuffle, List<Integer> synthLength,
                       Integer synthPool, Integer tokensPerBatch, boolean useCached, String cacheDir,
                       TaskSampling taskSampling, boolean allowMissing) {
        public static final int DEFAULT_BATCH_SIZE = 32;

        /** What the catalog and vocabulary are built from. */
        public DataSpec spec() {
            return new DataSpec(vocab, dataDir, taskFiles, synthLength, synthPool);
        }

        /** Rows per batch: {@code batch_size}, or derived from {@code tokens_per_batch}. */
        public int rows() {
            return tokensPerBatch == null ? batchSize : tokensPerBatch / Math.max(inputsLength, targetsLength);
        }

        /**
         * The training stream: split train, shuffled with {@code seed}, endless, from the cache if {@code use_cached}.
         */
        public ReadOptions trainOptions(long seed) {
            ReadOptions o = ReadOptions.split("train").withSequenceLengths(Map.of("inputs", inputsLength,
                    "targets", targetsLength)).withShuffle(shuffle, seed).withEpochs(0);
            return useCached ? o.withCacheDir(Path.of(cacheDir)) : o;
        }
    }

    /**
     * {@code name}: adafactor (t5x defaults) or adamw; {@code beta1} null = the optimizer's default (Adafactor 0, i.e.
     * no momentum as in t5x; AdamW 0.9), resolved when the config is loaded.
     */
    /** {@code temperature}: T of HyperFormer's task sampler, p_i ∝ n_i^(1/T) (its configs: 10). */
    public record TaskSampling(double temperature) {}

    public record OptimizerCfg(OptimizerName name, double weightDecay, Double beta1, double beta2, double eps,
                               double clipGradNorm) {}

    public record ScheduleCfg(Schedule.Kind kind, double lr, long warmup, double minRatio) {}

    /** {@code normalize}: "tokens" (mean over real target tokens), "sum", or a number (t5x loss_normalizing_factor). */
    public record Loss(double zLoss, double labelSmoothing, LossNormalization normalize) {}

    /**
     * {@code dtype}: fp32, or bf16 mixed precision (bf16 matrix products in the forward, fp32 master weights,
     * optimizer state and loss; see Autocast); bf16 falls back to fp32 with a warning on a CPU
     * without bf16 units.
     */
    public record Train(long steps, int gradAccum, long seed, int logEvery, Integer threads, String device,
                        ComputeDtype dtype) {}

    /** {@code every} 0 = only at the end. */
    public record Eval(long every, String split, int examples, int maxNewTokens, int numBeams, int batchSize) {}

    /** {@code every} 0 = only at the end; {@code bestMetric} e.g. "eval/synth_reverse/seq_em" (higher is better). */
    public record CheckpointCfg(long every, int keep, String bestMetric) {}

    /** The built-in defaults every config starts from. */
    public static ObjectNode defaults() {
        return ConfigTree.parseDefaults("""
                    model: {preset: tiny, config: null, init_from: null, dropout: null, vocab_size: null,
                           init_scheme: null, init_stats_from: null, pre_attn_ln_value: null}
                    data: {task: synth_reverse, vocab: null, data_dir: null, task_files: [], inputs_length: 64,
                           targets_length: 64, pack: false, batch_size: 32, shuffle: true, synth_length: null,
                           synth_pool: null, tokens_per_batch: null, use_cached: false, cache_dir: null,
                           task_sampling: {temperature: 10.0}, allow_missing: false}
                    optimizer: {name: adamw, weight_decay: 0.01, beta1: null, beta2: 0.999, eps: 1.0e-8,
                                clip_grad_norm: 1.0}
                    schedule: {kind: constant, lr: 1.0e-3, warmup: 0, min_ratio: 0.0}
                    loss: {z_loss: 0.0, label_smoothing: 0.0, normalize: tokens}
                    train: {steps: 1000, grad_accum: 1, seed: 0, log_every: 10, threads: null, device: cpu,
                            dtype: fp32}
                    eval: {every: 0, split: validation, examples: 200, max_new_tokens: 64, num_beams: 1, batch_size: 64}
                    checkpoint: {every: 0, keep: 2, best_metric: null}
                    out: runs/train
                    adapters: {method: none, tasks: [], reduction_factor: 16, non_linearity: swish,
                           add_layer_norm_before_adapter: false, add_layer_norm_after_adapter: true,
                           add_adapters_in_decoder: true, weight_init_range: 1.0e-2, conditional_layer_norm: false,
                           task_embedding_dim: 64, task_hidden_dim: 128, projected_task_embedding_dim: 64,
                           train_task_embeddings: false, unique_hyper_net_layer_norm: true, task_embedding_dir: null,
                           r: 8, lora_alpha: 8.0, lora_dropout: 0.0, target_modules: [q, v],
                           unfreeze_layer_norms: false, unfreeze_lm_head: false}
                    """);
    }

    /** Defaults ← file (may be null) ← overrides ("a.b=value", value parsed as YAML). */
    public static TrainConfig load(Path file, List<String> overrides) {
        TrainConfig c = ConfigTree.load(defaults(), file, overrides, TrainConfig.class);
        c.validate(file == null ? "config" : file.toString());
        return c.withResolvedBeta1();
    }

    /** A bound on generated tokens per output: far above any task's targets, far below what exhausts memory. */
    public static final int MAX_NEW_TOKENS = 65_536;

    /** Keys a resumed run may change: length, cadences, threads (everything else would make it another run). */
    public static final Set<String> RESUMABLE_KEYS = new LinkedHashSet<>(List.of("train.steps", "train.threads",
            "train.device", "train.log_every", "eval.every", "checkpoint.every", "checkpoint.keep"));

    /**
     * The config of a run being resumed: its own {@code config.yaml}, with {@code file}/{@code overrides} allowed to
     * change only {@link #RESUMABLE_KEYS} (others are refused, naming them; changes are logged).
     */
    public static TrainConfig loadForResume(Path runConfig, Path file, List<String> overrides, PrintStream log) {
        TrainConfig c = ConfigTree.loadForResume(defaults(), runConfig, file, overrides, TrainConfig.class,
                RESUMABLE_KEYS, log);
        c.validate(runConfig.toString());
        return c.withResolvedBeta1();
    }

    /** beta1 unset → the optimizer's own default, so that config.yaml states the value the run uses. */
    private TrainConfig withResolvedBeta1() {
        if (optimizer.beta1() != null) return this;
        OptimizerCfg o = new OptimizerCfg(optimizer.name(), optimizer.weightDecay(), optimizer.name().defaultBeta1,
                optimizer.beta2(), optimizer.eps(), optimizer.clipGradNorm());
        return new TrainConfig(model, data, o, schedule, loss, train, eval, checkpoint, out, adapters);
    }

    private void validate(String source) {
        List<String> errs = new ArrayList<>();
        int sources = (model.preset() != null ? 1 : 0) + (model.config() != null ? 1 : 0) + (model.initFrom() != null
                ? 1 : 0);
        if (sources != 1) errs.add("model: give exactly one of preset, config, init_from (got " + sources + ")");
        if ((model.initScheme() == null) != (model.initStatsFrom() == null))
            errs.add("model.init_scheme and model.init_stats_from go together");
        if (model.initScheme() != null
                && model.initFrom() != null) errs.add("model.init_scheme applies to a fresh init, not with init_from");
        if (data.task() == null || data.task().isBlank()) errs.add("data.task: required (a task or mixture name)");
        if (data.inputsLength() < 1
                || data.targetsLength() < 1) errs.add("data.inputs_length/targets_length must be >= 1");
        if (data.batchSize() < 1) errs.add("data.batch_size must be >= 1");
        if (data.tokensPerBatch() != null && data.batchSize() != Data.DEFAULT_BATCH_SIZE)
            errs.add("data.batch_size and data.tokens_per_batch: give one of them (rows = tokens_per_batch / "
                    + "max(inputs_length, targets_length))");
        else if (data.tokensPerBatch() != null && data.rows() < 1)
            errs.add("data.tokens_per_batch (" + data.tokensPerBatch() + ") must be at least max(inputs_length, "
                    + "targets_length) (" + Math.max(data.inputsLength(), data.targetsLength()) + ") for one row");
        if (data.taskSampling() == null || !(data.taskSampling().temperature() > 0))
            errs.add("data.task_sampling.temperature must be > 0");
        if (data.useCached() && (data.cacheDir() == null || data.cacheDir().isBlank()))
            errs.add("data.use_cached: needs data.cache_dir (the directory t5j data cache --out wrote)");
        if (data.synthLength() != null && (data.synthLength().size() != 2 || data.synthLength().get(0) < 1
                || data.synthLength().get(0) > data.synthLength().get(1)))
            errs.add("data.synth_length: expected [min, max] with 1 <= min <= max");
        if (optimizer.name() == null) errs.add("optimizer.name: required (allowed: adafactor, adamw)");
        if (optimizer.beta1() != null && !(optimizer.beta1() >= 0 && optimizer.beta1() < 1))
            errs.add("optimizer.beta1 must be in [0, 1)");
        if (schedule.kind() == null) errs.add("schedule.kind: required (allowed: constant, rsqrt, linear, cosine)");
        else if (schedule.kind().name().startsWith("ATLAS_"))
            errs.add("schedule.kind: '" + schedule.kind().key()
                    + "' is an Atlas scheduler (allowed: constant, rsqrt, linear, cosine)");
        if (!(schedule.lr() > 0)) errs.add("schedule.lr must be > 0");
        if (schedule.warmup() < 0) errs.add("schedule.warmup must be >= 0");
        if (schedule.kind() != null && (schedule.kind() == Schedule.Kind.LINEAR
                || schedule.kind() == Schedule.Kind.COSINE)
                && train.steps() <= schedule.warmup())
            errs.add("schedule.warmup (" + schedule.warmup() + ") must be below train.steps (" + train.steps()
                    + ") for a "
                    + schedule.kind().key() + " schedule");
        if (loss.normalize() == null) errs.add("loss.normalize: required (allowed: tokens, sum, or a positive number)");
        if (train.steps() < 1) errs.add("train.steps must be >= 1");
        if (train.gradAccum() < 1) errs.add("train.grad_accum must be >= 1");
        if (train.logEvery() < 1) errs.add("train.log_every must be >= 1");
        if (train.dtype() == null) errs.add("train.dtype: required (allowed: fp32, bf16)");
        if (eval.examples() < 0 || eval.maxNewTokens() < 1 || eval.numBeams() < 1
                || eval.batchSize() < 1) errs.add("eval: examples >= 0, max_new_tokens/num_beams/batch_size >= 1");
        if (eval.maxNewTokens() > MAX_NEW_TOKENS)
            errs.add("eval.max_new_tokens: " + eval.maxNewTokens() + " is more than " + MAX_NEW_TOKENS
                    + " tokens per output");
        if (eval.every() < 0) errs.add("eval.every must be >= 0 (0 = only at the end)");
        if (checkpoint.every() < 0) errs.add("checkpoint.every must be >= 0 (0 = only at the end)");
        if (checkpoint.keep() < 1) errs.add("checkpoint.keep must be >= 1");
        if (out == null || out.isBlank()) errs.add("out: required (the run directory)");
        if (!errs.isEmpty()) throw new UserError(source + ": " + String.join("; ", errs));
        adapters.validate(source, null); // against the base model again once it is built
        if (!errs.isEmpty()) throw new UserError(source + ": " + String.join("; ", errs));
    }

    /** The fully resolved config as YAML (written into the run directory first). */
    public String toYaml() {
        return ConfigTree.toYaml(this);
    }

    public Path outDir() {
        return Path.of(out);
    }
}
