package dev.t5j.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.UserError;
import dev.t5j.common.Json;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.SafetensorsReader;
import dev.t5j.model.io.SafetensorsWriter;
import dev.t5j.model.io.TensorSource;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An adapter saved apart from its base: {@code adapter_config.json} + {@code adapter_model.safetensors}. LoRA folders
 * are PEFT's format (its config and key names); the other methods write their {@link AdapterConfig} and their
 * parameters under ruse/HyperFormer's module names, plus any base parameters trained with them
 * ({@code unfreeze_layer_norms}, {@code unfreeze_lm_head}) under their HF names, and the base's shape in the metadata.
 */
public final class AdapterFolder {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    private static final List<String> BASE_KEYS = List.of("d_model", "num_layers", "num_decoder_layers",
            "feed_forward_proj");

    private AdapterFolder() {}

    /** Saves {@code module} and the trained base parameters {@code baseTrained} (HF names; may be empty). */
    public static void save(Path dir, AdapterModule module, Map<String, Tensor> baseTrained) throws IOException {
        Files.createDirectories(dir);
        List<RawTensor> raws = new ArrayList<>();
        Map<String, Tensor> all = new LinkedHashMap<>(module.parameters());
        if (module instanceof LoraAdapters && !baseTrained.isEmpty())
            throw new UserError("adapters: LoRA folders hold only the LoRA factors (PEFT format); "
                    + "unfreeze_layer_norms/unfreeze_lm_head are not available with method lora");
        all.putAll(baseTrained);
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            try (PointerScope s = new PointerScope()) {
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue())));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(SafetensorsWriter.PT_METADATA);
        if (!(module instanceof LoraAdapters)) meta.putAll(baseShape(module.base));
        SafetensorsWriter.write(dir.resolve(WEIGHTS), raws, meta);
        if (module instanceof LoraAdapters) PeftLoraConfig.write(dir.resolve(CONFIG), module.config());
        else module.config().write(dir.resolve(CONFIG)); // last: a folder with its config has its weights
    }

    private static Map<String, String> baseShape(T5Config c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("t5j.base.d_model", Integer.toString(c.dModel()));
        m.put("t5j.base.num_layers", Integer.toString(c.numLayers()));
        m.put("t5j.base.num_decoder_layers", Integer.toString(c.numDecoderLayers()));
        m.put("t5j.base.feed_forward_proj", c.feedForwardProj());
        return m;
    }

    /** The config of a saved adapter folder (PEFT LoRA or t5j). */
    public static AdapterConfig readConfig(Path dir) {
        Path f = dir.resolve(CONFIG);
        if (!Files.isRegularFile(f)) throw new UserError(dir + ": not an adapter folder (no " + CONFIG + ")");
        JsonNode n = Json.read(f);
        return PeftLoraConfig.isPeft(n) ? PeftLoraConfig.read(f, n) : AdapterConfig.read(f);
    }

    /**
     * Loads the adapter in {@code dir} for {@code model}'s base, copies any trained base parameters into the model, and
     * returns the module (not yet installed). A base that does not match names the file and the key.
     */
    public static AdapterModule load(Path dir, T5ForConditionalGeneration model) {
        AdapterConfig c = readConfig(dir);
        Path f = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(f)) throw new UserError(dir + ": no " + WEIGHTS);
        c.validate(dir.resolve(CONFIG).toString(), model.config());
        AdapterModule m = AdapterModule.create(c, model.config());
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            checkBase(f, r.metadata(), model.config());
            Set<String> seen = new HashSet<>();
            for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) copy(f, r, e.getKey(), e.getValue(),
                    "the adapter");
            seen.addAll(m.parameters().keySet());
            Map<String, Tensor> base = model.parameters();
            for (String name : r.names()) {
                if (seen.contains(name)) continue;
                Tensor t = base.get(name);
                if (t == null)
                    throw new UserError(f + ": key '" + name + "' matches nothing in a " + c.method()
                            + " adapter for this base ("
                            + model.config().numLayers() + "/" + model.config().numDecoderLayers() + " layers)");
                copy(f, r, name, t, "the base model");
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /**
     * Loads the adapter in {@code dir}, selects {@code task} (null = its first or only adapter) and installs it on
     * {@code model}. The returned module holds the adapter's parameters; close it after the model is done.
     */
    public static AdapterModule attach(Path dir, T5ForConditionalGeneration model, String task) {
        AdapterModule m = load(dir, model);
        try {
            m.setTask(task);
        } catch (UserError e) {
            m.close();
            throw new UserError(dir + ": " + e.getMessage());
        }
        m.installOn(model);
        return m;
    }

    private static void checkBase(Path f, Map<String, String> meta, T5Config c) {
        if (meta == null) return;
        Map<String, String> want = baseShape(c);
        for (String k : BASE_KEYS) {
            String got = meta.get("t5j.base." + k);
            if (got != null && !got.equals(want.get("t5j.base." + k)))
                throw new UserError(f + ": metadata key 't5j.base." + k + "' is " + got + " but the base model has "
                        + want.get("t5j.base." + k));
        }
    }

    private static void copy(Path f, TensorSource r, String name, Tensor dst, String what) {
        if (!r.contains(name)) throw new UserError(f + ": key '" + name + "' is missing (needed by " + what + ")");
        long[] want = Tensors.shape(dst);
        long[] got = r.info(name).shape();
        if (!Arrays.equals(want, got))
            throw new UserError(f + ": key '" + name + "' has shape " + Arrays.toString(got) + " but " + what
                    + " needs "
                    + Arrays.toString(want));
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] v = r.get(name).toFloatArray();
            dst.copy_(Tensors.floats(v, want));
        }
    }
}
