package dev.t5j.adapters;

import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a trainer needs for parameter-efficient fine-tuning (HyperFormer's {@code freezing_params}, reference B.3): the
 * adapter installed on the model, the base frozen ({@code requires_grad} off, so backward computes no weight gradient
 * for it and the optimizer, built over {@link #trainable()}, holds no state for it), T5's layer norms and the LM head
 * trained again on request, and the adapter saved apart from the base. With method none everything trains.
 */
public final class AdapterTraining implements AutoCloseable {
    /** The folder of a run (or checkpoint) that holds the adapter. */
    public static final String DIR = "adapter";

    private final AdapterConfig config;
    private final AdapterModule module; // null for method none
    private final Map<String, Tensor> trainable = new LinkedHashMap<>();
    private final Map<String, Tensor> baseTrained = new LinkedHashMap<>();
    private final long total;

    private AdapterTraining(AdapterConfig config, AdapterModule module, T5ForConditionalGeneration model) {
        this.config = config;
        this.module = module;
        if (module == null) {
            trainable.putAll(model.parameters());
            total = model.parameterCount();
            return;
        }
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            boolean train = config.unfreezeLayerNorms() && e.getKey().endsWith("layer_norm.weight")
                    || config.unfreezeLmHead() && isLmHead(e.getKey(), model);
            e.getValue().set_requires_grad(train);
            if (train) baseTrained.put(e.getKey(), e.getValue());
        }
        for (Tensor t : module.frozen().values()) t.set_requires_grad(false);
        trainable.putAll(module.trainable());
        trainable.putAll(baseTrained);
        total = model.parameterCount() + module.params.count();
    }

    private static boolean isLmHead(String name, T5ForConditionalGeneration m) {
        return name.equals(m.config().tieWordEmbeddings() ? "shared.weight" : "lm_head.weight");
    }

    /**
     * Sets up {@code config} on {@code model}: a fresh adapter, or the one saved in {@code resumeFrom/adapter} when
     * resuming, drawn from libtorch's generator seeded with {@code seed}. {@code task} (the run's task, or null for a
     * mixture) selects the adapter of a single-task run.
     */
    public static AdapterTraining setUp(T5ForConditionalGeneration model, AdapterConfig config, String source,
                                        Path resumeFrom, String task, long seed) {
        AdapterMethod m = AdapterMethod.parse(source + ": adapters.method", config.method());
        if (m == AdapterMethod.NONE) return new AdapterTraining(config, null, model);
        config.validate(source, model.config());
        if (m == AdapterMethod.LORA && (config.unfreezeLayerNorms() || config.unfreezeLmHead()))
            throw new UserError(source
                    + ": adapters.unfreeze_layer_norms/unfreeze_lm_head: not available with method lora "
                    + "(a PEFT LoRA folder holds only the LoRA factors)");
        Path saved = resumeFrom == null ? null : resumeFrom.resolve(DIR);
        Torch.seed(seed); // the adapter's init must not depend on what drew from the generator before
        AdapterModule module = saved != null && Files.isDirectory(saved)
                ? AdapterFolder.load(saved, model) : AdapterModule.create(config, model.config());
        try {
            if (task != null && config.adapterNames().contains(task)) module.setTask(task);
            else if (config.adapterNames().size() > 1)
                throw new UserError(source + ": adapters.tasks: the run's data is '" + task
                        + "', which has no adapter of its own; "
                        + "per-task adapters train on one task at a time (tasks: " + String.join(", ",
                                config.adapterNames()) + ")");
            module.installOn(model);
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
        return new AdapterTraining(config, module, model);
    }

    /** The parameters the optimizer updates and clipping covers. */
    public Map<String, Tensor> trainable() {
        return trainable;
    }

    public long trainedCount() {
        long n = 0;
        for (Tensor t : trainable.values()) n += t.numel();
        return n;
    }

    /** Base plus adapter parameters. */
    public long totalCount() {
        return total;
    }

    /** "training 12,345 of 1,234,567 parameters (1.00 %): adapter", printed when a run starts. */
    public String describe() {
        return String.format(Locale.ROOT, "training %,d of %,d parameters (%.2f %%): %s", trainedCount(), totalCount(),
                100.0 * trainedCount() / totalCount(), module == null ? "full fine-tuning" : config.method()
                        + (config.unfreezeLayerNorms() ? " + layer norms" : "") + (config.unfreezeLmHead()
                                ? " + lm head" : ""));
    }

    /** Selects a task's adapter before that task is evaluated or trained (a shared adapter serves every task). */
    public void selectTask(String task) {
        if (module != null && !config.adapterNames().equals(List.of(AdapterConfig.SHARED))) module.setTask(task);
    }

    /** Writes the adapter folder {@code dir} (nothing for full fine-tuning). */
    public void save(Path dir) throws IOException {
        if (module != null) AdapterFolder.save(dir, module, baseTrained);
    }

    public boolean active() {
        return module != null;
    }

    @Override
    public void close() {
        if (module != null) module.close();
    }
}
