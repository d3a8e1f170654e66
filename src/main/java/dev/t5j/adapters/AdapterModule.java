package dev.t5j.adapters;

import dev.t5j.common.UserError;
import dev.t5j.model.ModelHooks;
import dev.t5j.model.Params;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Parameters added to a frozen T5 and the hooks that use them. The parameters live in their own {@link Params} (apart
 * from the base) under ruse/HyperFormer's module names, so they are saved and counted apart from the base.
 */
public abstract class AdapterModule implements ModelHooks, AutoCloseable {
    protected final AdapterConfig config;
    protected final T5Config base;
    protected final Params params = new Params(ScalarType.Float);
    private String task;
    private BooleanSupplier training = () -> false;

    protected AdapterModule(AdapterConfig config, T5Config base) {
        this.config = config;
        this.base = base;
        this.task = config.adapterNames().get(0);
    }

    /** Builds the module {@code config.method} names on a base with config {@code base}, freshly initialised. */
    public static AdapterModule create(AdapterConfig config, T5Config base) {
        config.validate("adapters", base);
        return switch (config.methodEnum()) {
            case ADAPTER -> new HoulsbyAdapters(config, base);
            case META_ADAPTER -> new MetaAdapters(config, base);
            case HYPERFORMER, HYPERFORMER_PP -> new HyperNetAdapters(config, base);
            case LORA -> new LoraAdapters(config, base);
            case NONE -> throw new IllegalArgumentException("adapters.method none has no module");
        };
    }

    public AdapterConfig config() {
        return config;
    }

    /** Adapter parameters by name (trained unless {@link #frozen} says otherwise). */
    public Map<String, Tensor> parameters() {
        return params.all();
    }

    /** Parameters of this module that are fixed inputs, not trained (computed task embeddings). */
    public Map<String, Tensor> frozen() {
        return Map.of();
    }

    /** The trained parameters of this module. */
    public Map<String, Tensor> trainable() {
        Map<String, Tensor> m = new LinkedHashMap<>(params.all());
        frozen().keySet().forEach(m::remove);
        return m;
    }

    public List<String> tasks() {
        return config.adapterNames();
    }

    /** Selects the adapter (or task embedding) of {@code name}; a task without one is a user error. */
    public void setTask(String name) {
        if (name == null) name = tasks().get(0);
        if (!tasks().contains(name))
            throw new UserError("task '" + name + "' has no adapter (this adapter has: "
                    + String.join(", ", tasks()) + ")");
        task = name;
    }

    /** Installs this module's hooks on {@code model}; its own dropout (LoRA) then follows the model's training mode. */
    public void installOn(T5ForConditionalGeneration model) {
        training = model::isTraining;
        model.setHooks(this);
    }

    public boolean training() {
        return training.getAsBoolean();
    }

    public String task() {
        return task;
    }

    /** Whether an adapter follows this sub-layer (decoder ones only with {@code add_adapters_in_decoder}). */
    protected boolean covers(Site site) {
        return !site.decoder() || config.addAdaptersInDecoder();
    }

    /** HF prefix of a sub-layer: {@code encoder.block.3.layer.1} (decoder feed-forward is {@code layer.2}). */
    static String prefix(Site s) {
        int sub = s.kind() == SubLayer.SELF_ATTENTION ? 0 : s.decoder() ? 2 : 1;
        return (s.decoder() ? "decoder" : "encoder") + ".block." + s.layer() + ".layer." + sub;
    }

    protected int layers(boolean decoder) {
        return decoder ? base.numDecoderLayers() : base.numLayers();
    }

    /** Every sub-layer an adapter follows, encoder first. */
    List<Site> sites() {
        List<Site> out = new ArrayList<>();
        for (boolean dec : new boolean[]{false, true}) {
            if (dec && !config.addAdaptersInDecoder()) continue;
            for (int i = 0; i < layers(dec); i++)
                for (SubLayer k : SubLayer.values()) out.add(new Site(dec, i, k));
        }
        return out;
    }

    @Override
    public void close() {
        params.close();
    }
}
