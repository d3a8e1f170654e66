package dev.t5j.model;

import java.util.Arrays;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.DType;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.TensorSource;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HF-layout checkpoints of a {@link T5ForConditionalGeneration}: {@code config.json} plus {@code model.safetensors}
 * (or shards with an index, or {@code pytorch_model.bin}). Names are HF's; loading is "follow the key".
 */
public final class Checkpoint {
    /** Names HF also accepts for the shared embedding. */
    private static final List<String> SHARED_ALIASES = List.of("shared.weight", "encoder.embed_tokens.weight",
            "decoder.embed_tokens.weight");
    /** Tensors HF ignores on load: an unused cross-attention bias table in old checkpoints. */
    private static final String IGNORED_CROSS_BIAS =
            "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight";

    private Checkpoint() {}

    public static T5Config readConfig(Path dir) {
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) throw new UserError(dir + ": not a model folder (no config.json)");
        return T5Config.read(cfg);
    }

    /** Loads a model, widening F16/BF16 tensors to fp32. */
    public static T5ForConditionalGeneration load(Path dir) {
        return load(dir, null);
    }

    /** Loads a model; {@code dtype} null keeps fp32 parameters, otherwise parameters are cast to it (e.g. BFloat16). */
    public static T5ForConditionalGeneration load(Path dir, ScalarType dtype) {
        T5Config declared = readConfig(dir);
        try (TensorSource src = CheckpointFiles.open(dir)) {
            T5Config config = effectiveConfig(declared, src);
            T5ForConditionalGeneration model = new T5ForConditionalGeneration(config,
                    dtype == null ? ScalarType.Float : dtype);
            try {
                loadInto(model, src);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            return model;
        }
    }

    /**
     * The architecture the tensors actually hold. transformers 5 writes {@code tie_word_embeddings: true} for every
     * T5 and keeps an {@code lm_head.weight} of its own when a v1.1 model is re-saved; like its
     * {@code PreTrainedModel.tie_weights} (modeling_utils.py, 5.18), a head that differs from the shared embedding
     * is used untied. An identical one (a {@code pytorch_model.bin} stores both names) stays tied.
     */
    public static T5Config effectiveConfig(T5Config config, TensorSource src) {
        if (!config.tieWordEmbeddings() || !src.contains("lm_head.weight")) return config;
        String shared = resolve(src, "shared.weight");
        if (shared != null) {
            RawTensor head = src.get("lm_head.weight");
            if (head.withName(shared).equals(src.get(shared))) return config;
        }
        return config.withUntiedHead();
    }

    /**
     * Where {@code config.json} and the tensors disagree (sizes, layer counts, feed-forward kind), one line each; empty
     * when they agree. Reads shapes only, so it is cheap for any model size.
     */
    public static List<String> mismatches(T5Config c, TensorSource src) {
        List<String> out = new ArrayList<>();
        String shared = resolve(src, "shared.weight");
        if (shared == null) out.add("no shared.weight (embedding) tensor");
        else expectShape(out, src, shared, c.vocabSize(), c.dModel());
        for (String stack : List.of("encoder", "decoder")) {
            int want = stack.equals("encoder") ? c.numLayers() : c.numDecoderLayers();
            long have = src.names().stream().filter(n -> n.startsWith(stack + ".block."))
                    .map(n -> n.split("\\.")[2]).distinct().count();
            if (have != want)
                out.add(stack + ": config says " + want + " layers, the checkpoint has " + have);
            String p = stack + ".block.0.layer.0.SelfAttention.q.weight";
            if (src.contains(p)) expectShape(out, src, p, c.innerDim(), c.dModel());
            int ff = stack.equals("encoder") ? 1 : 2;
            String wi = stack + ".block.0.layer." + ff + ".DenseReluDense.wi" + (c.isGatedAct() ? "_0" : "")
                    + ".weight";
            if (have > 0 && !src.contains(wi))
                out.add("feed_forward_proj '" + c.feedForwardProj() + "' needs " + wi + ", which the checkpoint lacks");
            else if (src.contains(wi)) expectShape(out, src, wi, c.dFf(), c.dModel());
        }
        return out;
    }

    private static void expectShape(List<String> out, TensorSource src, String name, long... want) {
        long[] have = src.info(name).shape();
        if (!Arrays.equals(have, want))
            out.add(name + " has shape " + Arrays.toString(have) + " but config.json implies "
                    + Arrays.toString(want));
    }

    /**
     * Copies every parameter from {@code src}; missing tensors and shape mismatches are errors naming tensor and file.
     */
    public static void loadInto(T5ForConditionalGeneration model, TensorSource src) {
        boolean tied = model.config().tieWordEmbeddings();
        ParameterLoader.load(model.params(), src, name -> resolve(src, name),
                name -> name.equals("lm_head.weight")
                        ? " (config says tie_word_embeddings=false, which needs lm_head.weight)" : "",
                // tied: HF ignores it too
                n -> SHARED_ALIASES.contains(n) || n.equals(IGNORED_CROSS_BIAS) || (n.equals("lm_head.weight") && tied),
                "the model");
    }

    private static String resolve(TensorSource src, String name) {
        if (src.contains(name)) return name;
        if (name.equals("shared.weight")) for (String alias : SHARED_ALIASES) if (src.contains(alias)) return alias;
        return null;
    }

    /**
     * Saves config.json and model.safetensors (sharded above {@code maxShardBytes}); each file is written atomically.
     */
    public static void save(T5ForConditionalGeneration model, Path dir, DType dtype,
            long maxShardBytes) throws IOException {
        Files.createDirectories(dir);
        List<RawTensor> raws = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            try (PointerScope s = new PointerScope()) {
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue()),
                        dtype));
            }
        }
        CheckpointFiles.write(dir, raws, maxShardBytes);
        model.config().write(dir.resolve("config.json")); // last: a folder with config.json has its tensors
    }

    public static void save(T5ForConditionalGeneration model, Path dir) throws IOException {
        save(model, dir, DType.F32, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
    }
}
