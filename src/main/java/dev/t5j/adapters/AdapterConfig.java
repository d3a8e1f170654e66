package dev.t5j.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.model.Activations;
import dev.t5j.model.T5Config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What to add to a frozen T5 and what to train; the {@code adapters:} section of a training config and the
 * {@code adapter_config.json} of a saved (non-LoRA) adapter folder. Names and defaults follow ruse/HyperFormer's
 * {@code AdapterConfig}/{@code MetaAdapterConfig} (reference B.1–B.3) and PEFT's {@code LoraConfig}.
 *
 * @param method                   none, adapter, meta-adapter, hyperformer, hyperformer++, lora
 * @param tasks                    one adapter (or task embedding) per task; empty = one shared adapter "shared"
 * @param reductionFactor          bottleneck = d_model / reduction_factor (ruse default 16; paper configs 32)
 * @param nonLinearity             transformers activation name (ruse default swish; paper configs gelu_new)
 * @param addAdaptersInDecoder     ruse's flag; HyperFormer always adds them (default true)
 * @param weightInitRange          std of the N(0, std²) init of adapter and hypernetwork weights (biases 0)
 * @param conditionalLayerNorm     meta-adapter: adapter layer norms generated from the task embedding
 * @param taskEmbeddingDim         task (and layer-id, block-type) embedding size (HyperFormer configs: 64)
 * @param taskHiddenDim            hidden size of the task hypernetwork (128)
 * @param projectedTaskEmbeddingDim output of the task hypernetwork (64)
 * @param trainTaskEmbeddings      meta-adapter: project task embeddings through a TaskHyperNet
 * @param uniqueHyperNetLayerNorm  LayerNorm after the task hypernetwork (HyperFormer default true)
 * @param taskEmbeddingDir         optional folder of {@code {task}.npy}-like embeddings ({@code t5j adapters
 * task-embeddings})
 * @param r                        LoRA rank
 * @param loraAlpha                LoRA scale numerator: the update is (lora_alpha / r)·B·A
 * @param loraDropout              dropout on the LoRA input while training
 * @param targetModules            LoRA: linear maps by last name (q, k, v, o, wi, wo, wi_0, wi_1)
 * @param unfreezeLayerNorms       also train every T5 layer norm (HyperFormer configs: true)
 * @param unfreezeLmHead           also train the LM head (HyperFormer configs: false)
 */
public record AdapterConfig(String method, List<String> tasks, int reductionFactor, String nonLinearity,
                            boolean addLayerNormBeforeAdapter, boolean addLayerNormAfterAdapter,
                            boolean addAdaptersInDecoder, double weightInitRange, boolean conditionalLayerNorm,
                            int taskEmbeddingDim, int taskHiddenDim, int projectedTaskEmbeddingDim,
                            boolean trainTaskEmbeddings, boolean uniqueHyperNetLayerNorm, String taskEmbeddingDir,
                            int r, double loraAlpha, double loraDropout, List<String> targetModules,
                            boolean unfreezeLayerNorms, boolean unfreezeLmHead) {

    /** The name of the one adapter used when no tasks are listed. */
    public static final String SHARED = "shared";
    /** LoRA targets this implementation knows (T5's linear maps, by their last HF name). */
    public static final List<String> LINEAR_NAMES = List.of("q", "k", "v", "o", "wi", "wo", "wi_0", "wi_1");

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true);

    /** ruse/HyperFormer's dataclass defaults (method none). */
    public static AdapterConfig defaults() {
        return new AdapterConfig("none", List.of(), 16, "swish", false, true, true, 1e-2, false, 64, 128, 64,
                false, true, null, 8, 8.0, 0.0, List.of("q", "v"), false, false);
    }

    public AdapterMethod methodEnum() {
        return AdapterMethod.parse("adapters.method", method);
    }

    /** The adapter names: the tasks, or {@link #SHARED}. */
    public List<String> adapterNames() {
        return tasks == null || tasks.isEmpty() ? List.of(SHARED) : tasks;
    }

    public int bottleneck(int dModel) {
        return dModel / reductionFactor;
    }

    /** LoRA scale alpha / r. */
    public double loraScale() {
        return loraAlpha / r;
    }

    /** Checks the options against each other and the base model; errors name {@code source} and the key. */
    public void validate(String source, T5Config base) {
        List<String> errs = new ArrayList<>();
        AdapterMethod m = AdapterMethod.parse(source + ": adapters.method", method);
        if (!Activations.NAMES.contains(nonLinearity))
            errs.add("non_linearity: '" + nonLinearity + "' (allowed: " + String.join(", ", Activations.NAMES) + ")");
        if (reductionFactor < 1) errs.add("reduction_factor: must be >= 1, got " + reductionFactor);
        else if (base != null && base.dModel() / reductionFactor < 1)
            errs.add("reduction_factor: " + reductionFactor + " leaves no bottleneck for d_model " + base.dModel());
        if (!(weightInitRange >= 0)) errs.add("weight_init_range: must be >= 0");
        if (m.isHyperNetwork()) {
            if (taskEmbeddingDim < 1) errs.add("task_embedding_dim: must be >= 1");
            if (taskHiddenDim < 1) errs.add("task_hidden_dim: must be >= 1");
            if (projectedTaskEmbeddingDim < 1) errs.add("projected_task_embedding_dim: must be >= 1");
            if ((m == AdapterMethod.HYPERFORMER || m == AdapterMethod.HYPERFORMER_PP) && trainTaskEmbeddings
                    && projectedTaskEmbeddingDim != taskEmbeddingDim)
                errs.add("train_task_embeddings: the " + m.key
                        + " hypernetwork takes task embeddings of task_embedding_dim ("
                        + taskEmbeddingDim + ") but projected ones have projected_task_embedding_dim ("
                        + projectedTaskEmbeddingDim + ")");
            if (base != null && reductionFactor >= 1) {
                long gen = (long) base.dModel() * Math.max(1, base.dModel() / reductionFactor);
                long in = m == AdapterMethod.META_ADAPTER && !trainTaskEmbeddings ? taskEmbeddingDim
                        : projectedTaskEmbeddingDim;
                if (gen * in > Integer.MAX_VALUE)
                    errs.add("reduction_factor: the weight generator would need " + gen * in + " parameters (d_model "
                            + base.dModel() + "); raise reduction_factor or lower the embedding dims");
            }
        }
        if (m == AdapterMethod.LORA) {
            if (r < 1) errs.add("r: must be >= 1, got " + r);
            if (!(loraDropout >= 0 && loraDropout < 1)) errs.add("lora_dropout: must be in [0, 1)");
            if (targetModules == null || targetModules.isEmpty()) errs.add("target_modules: name at least one of "
                    + LINEAR_NAMES);
            else for (String t : targetModules)
                if (!LINEAR_NAMES.contains(t)) errs.add("target_modules: '" + t + "' (allowed: " + String.join(", ",
                        LINEAR_NAMES) + ")");
        }
        if (tasks != null) for (String t : tasks)
            if (t == null || !t.matches("[A-Za-z0-9_.+-]+")) errs.add("tasks: '" + t + "' is not a task name");
        if (!errs.isEmpty()) throw new UserError(source + ": adapters." + String.join("; adapters.", errs));
    }

    /** Reads an {@code adapter_config.json}; unknown keys and wrong types name the file and key. */
    public static AdapterConfig read(Path file) {
        JsonNode node = Json.read(file);
        AdapterConfig defaults = defaults();
        try {
            JsonNode merged = MAPPER.readerForUpdating(MAPPER.valueToTree(defaults)).readValue(node);
            return MAPPER.treeToValue(merged, AdapterConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UserError(file + ": unknown key '" + e.getPropertyName() + "'");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, MAPPER.writeValueAsString(this) + "\n");
    }
}
