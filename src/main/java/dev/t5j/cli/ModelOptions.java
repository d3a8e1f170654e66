package dev.t5j.cli;

import dev.t5j.adapters.AdapterConfig;
import dev.t5j.adapters.AdapterFolder;
import dev.t5j.adapters.AdapterModule;
import dev.t5j.api.T5j;
import dev.t5j.common.UserError;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.tokenizer.Vocabulary;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options shared by commands that run a model: where it is, threads and device. */
final class ModelOptions {
    @Option(names = "--model", required = true, description = "Model folder (config.json + model.safetensors)")
    Path model;
    @Option(names = "--threads", description = "libtorch threads (default: T5J_THREADS or all cores)")
    Integer threads;
    @Option(names = "--device", description = "cpu, cuda, cuda:N or auto (default cpu; a run config's train.device)")
    String device;

    @Option(names = "--adapter", description = "An adapter folder (t5j adapters or PEFT LoRA) to run on the model")
    Path adapter;
    /** The installed adapter, or null. */
    AdapterModule adapterModule;

    /**
     * The model, with the adapter installed when --adapter is given, set to {@code task}'s adapter (null: its first or
     * only one). The adapter's parameters stay allocated until the process exits: these commands load one model and
     * end.
     */
    T5ForConditionalGeneration load(String task) {
        return load(task, ComputeDtype.FP32);
    }

    /** As {@link #load(String)} with the weights in {@code dtype} (bf16: inference on the CPU's bf16 units). */
    T5ForConditionalGeneration load(String task, ComputeDtype dtype) {
        if (dtype == ComputeDtype.BF16 && adapter != null)
            throw new UserError("--dtype bf16 with --adapter: not supported (adapters run in fp32); use --dtype fp32");
        T5ForConditionalGeneration m = Checkpoint.load(model, dtype == ComputeDtype.BF16 ? ScalarType.BFloat16 : null);
        if (adapter != null) {
            try {
                adapterModule = AdapterFolder.attach(adapter, m, adapterTask(task));
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        return m;
    }

    /**
     * The model as text in, text out (T5j): its own tokenizer, or {@code vocab} ({@code --vocab}) when given, with
     * {@code --adapter} installed as {@link #load(String, ComputeDtype)} does. Closing the result closes the model.
     */
    T5j loadText(String task, ComputeDtype dtype, String vocab) {
        if (adapter == null) return T5j.load(model, vocab, dtype);
        Vocabulary v = ModelVocabulary.resolve(model, vocab);
        T5ForConditionalGeneration m = load(task, dtype);
        try {
            return T5j.of(model, m, v);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Selects the adapter of a data task (eval/predict of a mixture switch per task); a single adapter serves all. */
    void selectTask(String task) {
        if (adapterModule != null) adapterModule.setTask(adapterTask(task));
    }

    private String adapterTask(String task) {
        if (task == null || adapter == null) return task;
        List<String> names = AdapterFolder.readConfig(adapter).adapterNames();
        return names.equals(List.of(AdapterConfig.SHARED)) ? names.get(0) : task; // a shared adapter serves every task
    }

    void apply() {
        if (threads != null) Torch.init(threads);
        else Torch.init();
        Torch.setDevice(device == null ? "cpu" : device);
    }

    /** Parses "13,7,9" (or "13 7 9") into ids; names the option in errors. */
    static int[] parseIds(String option, String s) {
        List<Integer> ids = new ArrayList<>();
        for (String part : s.trim().split("[,\\s]+")) {
            if (part.isEmpty()) continue;
            try {
                int v = Integer.parseInt(part);
                if (v < 0) throw new NumberFormatException();
                ids.add(v);
            } catch (NumberFormatException e) {
                throw new UserError(option + ": '" + part + "' is not a token id (non-negative integer) in '" + s
                        + "'");
            }
        }
        if (ids.isEmpty()) throw new UserError(option + ": no token ids in '" + s + "'");
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    static void checkRange(String what, int[] ids, int vocab) {
        for (int id : ids)
            if (id >= vocab) throw new UserError(what + ": token id " + id + " is outside the model's vocabulary (size "
                    + vocab + ")");
    }
}
