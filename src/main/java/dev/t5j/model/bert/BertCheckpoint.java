package dev.t5j.model.bert;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.DType;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.ParameterLoader;
import dev.t5j.model.io.TensorSource;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HF-layout BERT checkpoints: {@code config.json} + {@code model.safetensors} (or shards with an index, or
 * {@code pytorch_model.bin}). Loading follows HF's {@code from_pretrained} for {@code BertModel}: keys may carry the
 * {@code bert.} prefix of {@code BertForMaskedLM}/{@code BertForPreTraining} checkpoints, old TF-converted files name
 * LayerNorm parameters {@code gamma}/{@code beta}, and the pooler, the pre-training heads ({@code cls.*}) and the
 * {@code embeddings.position_ids} buffer are ignored.
 */
public final class BertCheckpoint {
    private BertCheckpoint() {}

    public static BertConfig readConfig(Path dir) {
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) throw new UserError(dir + ": not a BERT model folder (no config.json)");
        return BertConfig.read(cfg);
    }

    /** Loads config and weights from an HF folder (F16/BF16 tensors are widened to fp32). */
    public static BertModel load(Path dir) {
        BertConfig config = readConfig(dir);
        BertModel model = new BertModel(config);
        try (TensorSource src = CheckpointFiles.open(dir)) {
            loadInto(model, src);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Copies every parameter from {@code src}; a missing tensor or a shape mismatch is a {@link UserError} naming file
     * and key.
     */
    public static void loadInto(BertModel model, TensorSource src) {
        ParameterLoader.load(model.params(), src, name -> resolve(src, name),
                name -> " (also looked for " + String.join(", ", candidates(name).subList(1, candidates(name).size()))
                        + ")",
                BertCheckpoint::ignored, "the BERT encoder");
    }

    /** The names HF would accept for parameter {@code name}, in order of preference. */
    static List<String> candidates(String name) {
        List<String> out = new ArrayList<>();
        out.add(name);
        String old = null;
        if (name.endsWith("LayerNorm.weight")) old = name.substring(0, name.length() - "weight".length()) + "gamma";
        else if (name.endsWith("LayerNorm.bias")) old = name.substring(0, name.length() - "bias".length()) + "beta";
        if (old != null) out.add(old);
        out.add("bert." + name);
        if (old != null) out.add("bert." + old);
        return out;
    }

    private static String resolve(TensorSource src, String name) {
        for (String c : candidates(name)) if (src.contains(c)) return c;
        return null;
    }

    /** Tensors a bare {@code BertModel} without pooler drops silently. */
    static boolean ignored(String n) {
        String k = n.startsWith("bert.") ? n.substring(5) : n;
        return k.startsWith("pooler.") || n.startsWith("cls.") || k.equals("embeddings.position_ids");
    }

    /**
     * Saves {@code config.json} and {@code model.safetensors} (fp32, HF names) into {@code dir}; each file atomically.
     */
    public static void save(BertModel model, Path dir) throws IOException {
        save(model, dir, DType.F32);
    }

    public static void save(BertModel model, Path dir, DType dtype) throws IOException {
        Files.createDirectories(dir);
        List<RawTensor> raws = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            try (PointerScope s = new PointerScope()) {
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue()),
                        dtype));
            }
        }
        CheckpointFiles.write(dir, raws);
        model.config().write(dir.resolve("config.json")); // last: a folder with config.json has its tensors
    }
}
