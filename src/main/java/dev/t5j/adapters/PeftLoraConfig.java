package dev.t5j.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PEFT's {@code adapter_config.json} for LoRA: {@code r}, {@code lora_alpha}, {@code target_modules},
 * {@code lora_dropout} are read; options that would change the computation in ways this implementation does not
 * follow (DoRA, rsLoRA, biases, fan_in_fan_out, patterns, modules_to_save, ...) are refused by name, so an adapter
 * never loads into something other than what PEFT computes.
 */
final class PeftLoraConfig {
    /** Keys that describe the adapter without changing what it computes. */
    private static final Set<String> INFORMATIONAL = Set.of("peft_type", "r", "lora_alpha", "target_modules",
            "lora_dropout", "base_model_name_or_path", "revision", "task_type", "peft_version", "auto_mapping",
            "inference_mode", "init_lora_weights", "megatron_core", "qalora_group_size", "bias");

    private PeftLoraConfig() {}

    static boolean isPeft(JsonNode n) {
        return n.has("peft_type");
    }

    /** Reads PEFT's LoRA config into an {@link AdapterConfig} with method lora. */
    static AdapterConfig read(Path file, JsonNode n) {
        String type = n.path("peft_type").asText();
        if (!type.equals("LORA")) throw new UserError(file + ": key 'peft_type': '" + type
                + "' is not supported (only LORA)");
        if (!n.path("bias").isMissingNode() && !n.path("bias").asText().equals("none"))
            throw new UserError(file + ": key 'bias': '" + n.path("bias").asText() + "' is not supported (only none)");
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (INFORMATIONAL.contains(e.getKey()) || isUnset(e.getValue())) continue;
            throw new UserError(file + ": key '" + e.getKey() + "': " + e.getValue()
                    + " is not supported by t5j's LoRA");
        }
        JsonNode tm = n.path("target_modules");
        if (!tm.isArray())
            throw new UserError(file + ": key 'target_modules': only a list of module names is supported, got " + tm);
        List<String> targets = new ArrayList<>();
        for (JsonNode t : tm) targets.add(t.asText());
        if (!n.path("r").canConvertToInt() || n.path("r").asInt() < 1) throw new UserError(file
                + ": key 'r': expected a positive integer");
        if (!n.path("lora_alpha").isNumber()) throw new UserError(file + ": key 'lora_alpha': expected a number");
        AdapterConfig d = AdapterConfig.defaults();
        AdapterConfig c = new AdapterConfig("lora", List.of(), d.reductionFactor(), d.nonLinearity(), false, false,
                false,
                d.weightInitRange(), false, d.taskEmbeddingDim(), d.taskHiddenDim(), d.projectedTaskEmbeddingDim(),
                        false,
                true, null, n.path("r").asInt(), n.path("lora_alpha").asDouble(), n.path("lora_dropout").asDouble(0.0),
                targets, false, false);
        for (String t : targets)
            if (!AdapterConfig.LINEAR_NAMES.contains(t))
                throw new UserError(file + ": key 'target_modules': '" + t + "' is not a T5 linear map (allowed: "
                        + String.join(", ", AdapterConfig.LINEAR_NAMES) + ")");
        if (!(c.loraDropout() >= 0 && c.loraDropout() < 1)) throw new UserError(file
                + ": key 'lora_dropout': must be in [0, 1)");
        return c;
    }

    /** Null, false, empty list/map and PEFT's default empty loftq_config: an option that is off. */
    private static boolean isUnset(JsonNode v) {
        return v.isNull() || (v.isBoolean() && !v.asBoolean()) || (v.isContainerNode() && v.isEmpty());
    }

    /** Writes the config PEFT's {@code PeftModel.from_pretrained} reads. */
    static void write(Path file, AdapterConfig c) throws IOException {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("peft_type", "LORA");
        n.putNull("task_type");
        n.putNull("base_model_name_or_path");
        n.put("r", c.r());
        n.put("lora_alpha", c.loraAlpha());
        n.put("lora_dropout", c.loraDropout());
        n.putArray("target_modules")
                .addAll(c.targetModules().stream().map(JsonNodeFactory.instance::textNode).toList());
        n.put("bias", "none");
        n.put("fan_in_fan_out", false);
        n.put("use_rslora", false);
        n.put("use_dora", false);
        n.put("inference_mode", true);
        n.put("init_lora_weights", true);
        n.putNull("modules_to_save");
        n.putNull("layers_to_transform");
        n.putNull("layers_pattern");
        n.putObject("rank_pattern");
        n.putObject("alpha_pattern");
        AtomicFiles.writeString(file, Json.writePretty(n) + "\n");
    }
}
