package dev.t5j.train;

import dev.t5j.run.ConfigTree;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.adapters.AdapterConfig;
import dev.t5j.common.UserError;

import java.nio.file.Path;
import java.util.List;

/**
 * A training run as plain data, read from YAML or JSON (snake_case keys) with {@code --set a.b=value} overrides.
 * Unknown keys and wrong types are errors naming the key and the allowed keys, before any work starts.
 */
public record TrainConfig(Model model, Data data, OptimizerCfg optimizer, ScheduleCfg schedule, Loss loss, Train train,
                          Eval eval, CheckpointCfg checkpoint, String out, AdapterConfig adapters) {

    /**
     * {@code preset} or {@code config} (a config.json) for a fresh init; {@code initFrom} loads an HF checkpoint.
     * {@code initScheme} (e.g. "per_param_grouping___init_mean_std") applies the statistics of {@code initStatsFrom} to the
     * fresh init; {@code preAttnLnValue} sets every pre-attention layer norm to a constant (synthetic-pretraining paper,
     * Tables 2 and 3).
     */
    public record Model(String preset, String config, String initFrom, Double dropout, Integer vocabSize,
                        String initScheme, String initStatsFrom, Double preAttnLnValue) {}

    /**
     * @param task        task or mixture name (see {@code t5j data list})
     * @param vocab       vocabulary file (.model, tokenizer.json, vocab.txt) or "byte"; null = the built-in one
     * @param synthLength synthetic tasks: [min, max] input length; null = the paper's [10, 220]
     * @param synthPool   synthetic tasks: number of distinct content tokens (null = the built-in vocabulary's 256)
     */
    public record Data(String task, String vocab, String dataDir, List<String> taskFiles, int inputsLength, int targetsLength,
                       boolean pack, int batchSize, boolean shuffle, List<Integer> synthLength, Integer synthPool) {}

    /** {@code name}: adafactor (t5x defaults) or adamw. */
    public record OptimizerCfg(String name, double weightDecay, double beta1, double beta2, double eps, double clipGradNorm) {}

    public record ScheduleCfg(String kind, double lr, long warmup, double minRatio) {}

    /** {@code normalize}: "tokens" (mean over real target tokens), "sum", or a number (t5x loss_normalizing_factor). */
    public record Loss(double zLoss, double labelSmoothing, String normalize) {}

    public record Train(long steps, int gradAccum, long seed, int logEvery, Integer threads) {}

    /** {@code every} 0 = only at the end. */
    public record Eval(long every, String split, int examples, int maxNewTokens, int numBeams, int batchSize) {}

    /** {@code every} 0 = only at the end; {@code bestMetric} e.g. "eval/synth_reverse/seq_em" (higher is better). */
    public record CheckpointCfg(long every, int keep, String bestMetric) {}

    /** The built-in defaults every config starts from. */
    public static ObjectNode defaults() {
        return ConfigTree.parseDefaults("""
                    model: {preset: tiny, config: null, init_from: null, dropout: null, vocab_size: null,
                           init_scheme: null, init_stats_from: null, pre_attn_ln_value: null}
                    data: {task: synth_reverse, vocab: null, data_dir: null, task_files: [], inputs_length: 64, targets_length: 64,
                           pack: false, batch_size: 32, shuffle: true, synth_length: null, synth_pool: null}
                    optimizer: {name: adamw, weight_decay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1.0e-8, clip_grad_norm: 1.0}
                    schedule: {kind: constant, lr: 1.0e-3, warmup: 0, min_ratio: 0.0}
                    loss: {z_loss: 0.0, label_smoothing: 0.0, normalize: tokens}
                    train: {steps: 1000, grad_accum: 1, seed: 0, log_every: 10, threads: null}
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
        return c;
    }

    private void validate(String source) {
        List<String> errs = new java.util.ArrayList<>();
        int sources = (model.preset() != null ? 1 : 0) + (model.config() != null ? 1 : 0) + (model.initFrom() != null ? 1 : 0);
        if (sources != 1) errs.add("model: give exactly one of preset, config, init_from (got " + sources + ")");
        if ((model.initScheme() == null) != (model.initStatsFrom() == null))
            errs.add("model.init_scheme and model.init_stats_from go together");
        if (model.initScheme() != null && model.initFrom() != null) errs.add("model.init_scheme applies to a fresh init, not with init_from");
        if (data.task() == null || data.task().isBlank()) errs.add("data.task: required (a task or mixture name)");
        if (data.inputsLength() < 1 || data.targetsLength() < 1) errs.add("data.inputs_length/targets_length must be >= 1");
        if (data.batchSize() < 1) errs.add("data.batch_size must be >= 1");
        if (data.synthLength() != null && (data.synthLength().size() != 2 || data.synthLength().get(0) < 1 || data.synthLength().get(0) > data.synthLength().get(1)))
            errs.add("data.synth_length: expected [min, max] with 1 <= min <= max");
        if (!List.of("adafactor", "adamw").contains(optimizer.name())) errs.add("optimizer.name: '" + optimizer.name() + "' (allowed: adafactor, adamw)");
        if (!List.of("constant", "rsqrt", "linear", "cosine").contains(schedule.kind())) errs.add("schedule.kind: '" + schedule.kind() + "' (allowed: constant, rsqrt, linear, cosine)");
        if (!(schedule.lr() > 0)) errs.add("schedule.lr must be > 0");
        if ((schedule.kind().equals("linear") || schedule.kind().equals("cosine")) && train.steps() <= schedule.warmup())
            errs.add("schedule.warmup (" + schedule.warmup() + ") must be below train.steps (" + train.steps() + ") for a " + schedule.kind() + " schedule");
        if (!loss.normalize().equals("tokens") && !loss.normalize().equals("sum")) {
            try {
                if (!(Double.parseDouble(loss.normalize()) > 0)) errs.add("loss.normalize: a number must be > 0");
            } catch (NumberFormatException e) {
                errs.add("loss.normalize: '" + loss.normalize() + "' (allowed: tokens, sum, or a positive number)");
            }
        }
        if (train.steps() < 1) errs.add("train.steps must be >= 1");
        if (train.gradAccum() < 1) errs.add("train.grad_accum must be >= 1");
        if (train.logEvery() < 1) errs.add("train.log_every must be >= 1");
        if (eval.examples() < 0 || eval.maxNewTokens() < 1 || eval.numBeams() < 1 || eval.batchSize() < 1) errs.add("eval: examples >= 0, max_new_tokens/num_beams/batch_size >= 1");
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
