package dev.t5j.adapters;

import dev.t5j.model.Activations;
import dev.t5j.model.Params;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * LoRA (Hu et al. 2021) as PEFT builds it: for every targeted linear map {@code y = x·Wᵀ}, {@code y + (alpha/r)·
 * B(A(dropout(x)))} with {@code A} [r, in] ~ kaiming_uniform(a=√5) = U(±1/√in) and {@code B} [out, r] = 0, so the
 * model starts unchanged. Parameters carry PEFT's saved key names
 * ({@code base_model.model.<module>.lora_A.weight}), so a folder round-trips with PEFT.
 */
public final class LoraAdapters extends AdapterModule {
    /** PEFT's prefix of every saved key. */
    public static final String KEY_PREFIX = "base_model.model.";

    private record Pair(Tensor a, Tensor b) {}

    private final Map<String, Pair> byWeight = new LinkedHashMap<>();
    private final double scale;

    LoraAdapters(AdapterConfig c, T5Config base) {
        super(c, base);
        scale = c.loraScale();
        for (Map.Entry<String, long[]> e : linearShapes(base).entrySet()) {
            String module = targetModule(e.getKey(), c);
            if (module == null) continue;
            long out = e.getValue()[0];
            long in = e.getValue()[1];
            Tensor a = params.constant(KEY_PREFIX + module + ".lora_A.weight", 0.0, c.r(), in);
            try (NoGradGuard g = new NoGradGuard()) {
                double bound = 1.0 / Math.sqrt(in);
                a.uniform_(-bound, bound, new GeneratorOptional());
            }
            Tensor b = params.constant(KEY_PREFIX + module + ".lora_B.weight", 0.0, out, c.r());
            byWeight.put(e.getKey(), new Pair(a, b));
        }
    }

    /** Every linear weight of the T5 blocks with its [out, in] shape, in HF order (from the config alone). */
    static Map<String, long[]> linearShapes(T5Config c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long d = c.dModel();
        long inner = c.innerDim();
        long ff = c.dFf();
        for (boolean dec : new boolean[]{false, true}) {
            String stack = dec ? "decoder" : "encoder";
            for (int i = 0; i < (dec ? c.numDecoderLayers() : c.numLayers()); i++) {
                String blk = stack + ".block." + i + ".layer.";
                for (String att : dec ? new String[]{"0.SelfAttention", "1.EncDecAttention"}
                        : new String[]{"0.SelfAttention"}) {
                    for (String n : new String[]{"q", "k", "v"}) m.put(blk + att + "." + n + ".weight",
                            new long[]{inner, d});
                    m.put(blk + att + ".o.weight", new long[]{d, inner});
                }
                String ffp = blk + (dec ? "2" : "1") + ".DenseReluDense.";
                if (c.isGatedAct()) {
                    m.put(ffp + "wi_0.weight", new long[]{ff, d});
                    m.put(ffp + "wi_1.weight", new long[]{ff, d});
                } else {
                    m.put(ffp + "wi.weight", new long[]{ff, d});
                }
                m.put(ffp + "wo.weight", new long[]{d, ff});
            }
        }
        return m;
    }

    /** The module name ({@code encoder.block.0.layer.0.SelfAttention.q}) if {@code weight} is a LoRA target, else
    * null. */
    static String targetModule(String weight, AdapterConfig c) {
        if (!weight.endsWith(".weight")) return null;
        String module = weight.substring(0, weight.length() - ".weight".length());
        String last = module.substring(module.lastIndexOf('.') + 1);
        if (!c.targetModules().contains(last) || !AdapterConfig.LINEAR_NAMES.contains(last)) return null;
        return module;
    }

    @Override
    public Tensor afterLinear(String weight, Tensor x, Tensor y) {
        Pair p = byWeight.get(weight);
        if (p == null) return y;
        Tensor in = config.loraDropout() > 0 ? Activations.dropout(x, config.loraDropout(), training()) : x;
        return y.add(torch.linear(torch.linear(in, p.a), p.b).mul(Tensors.scalar(scale)));
    }

    /** Folds every update into the base: {@code W ← W + (alpha/r)·B·A}; the model then runs without hooks. */
    public void mergeInto(T5ForConditionalGeneration model) {
        Params base = model.params();
        for (Map.Entry<String, Pair> e : byWeight.entrySet()) {
            try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor w = base.get(e.getKey());
                Tensor delta = e.getValue().b.matmul(e.getValue().a).mul(Tensors.scalar(scale));
                base.copyInto(e.getKey(), w.add(delta.to(w.scalar_type())));
            }
        }
    }

    /** Base weight names that carry an update. */
    public Set<String> targets() {
        return byWeight.keySet();
    }
}
