package dev.t5j.model;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The initialisation schemes of the synthetic-pretraining paper (Wu, Li, Liang 2022, Tables 2 and 3;
 * {@code modified_t5x/t5x/models.py}): statistics of groups of a pretrained checkpoint's parameters are applied to a
 * fresh random init; the pretrained values themselves are not copied.
 *
 * <p>Scheme ids are {@code <grouping>___<stat_fn>}: groupings {@code per_param_grouping} (each parameter alone; the
 * token embedding keeps its fresh init), {@code across_ALL_layer_AND_per_layer_grouping} ("whole model": all attention
 * and MLP weights, all norms, the relative-position tables), {@code preattnln_per_param_grouping} (only the
 * pre-attention layer norms, each alone); stat_fns {@code init_mean_std} (N(mean, std)) and {@code init_scale}
 * (norms: the constant mean; others: N(0, std)). Table 3's variant sets every pre-attention layer norm to a constant.
 */
public final class InitSchemes {
    public static final List<String> GROUPINGS = List.of("per_param_grouping", "across_ALL_layer_AND_per_layer_grouping", "preattnln_per_param_grouping");
    public static final List<String> STAT_FNS = List.of("init_mean_std", "init_scale");

    private InitSchemes() {}

    static boolean isNorm(String name) {
        return name.contains("layer_norm") || name.contains("final_layer_norm");
    }

    static boolean isWeight(String name) {
        return name.contains("SelfAttention.") && !name.contains("relative_attention_bias") || name.contains("EncDecAttention.") || name.contains("DenseReluDense.");
    }

    /** Pre-attention norms: encoder layer.0, decoder layer.0 (self) and layer.1 (cross). */
    static boolean isPreAttentionNorm(String name) {
        return name.matches("encoder\\.block\\.\\d+\\.layer\\.0\\.layer_norm\\.weight")
                || name.matches("decoder\\.block\\.\\d+\\.layer\\.[01]\\.layer_norm\\.weight");
    }

    /** The parameter groups of {@code grouping} over HF parameter names. */
    static List<List<String>> groups(String grouping, List<String> names) {
        List<List<String>> out = new ArrayList<>();
        switch (grouping) {
            case "per_param_grouping" -> { for (String n : names) if (!n.equals("shared.weight")) out.add(List.of(n)); }
            case "preattnln_per_param_grouping" -> { for (String n : names) if (isPreAttentionNorm(n)) out.add(List.of(n)); }
            case "across_ALL_layer_AND_per_layer_grouping" -> {
                List<String> w = new ArrayList<>(), norms = new ArrayList<>(), rel = new ArrayList<>();
                for (String n : names) {
                    if (n.contains("relative_attention_bias")) rel.add(n);
                    else if (isNorm(n)) norms.add(n);
                    else if (isWeight(n)) w.add(n);
                }
                for (List<String> g : List.of(w, norms, rel)) if (!g.isEmpty()) out.add(g);
            }
            default -> throw new UserError("model.init_scheme: unknown grouping '" + grouping + "' (allowed: " + String.join(", ", GROUPINGS) + ")");
        }
        return out;
    }

    /**
     * Applies {@code scheme} to {@code fresh} using the statistics of {@code stats} (a pretrained model with the same
     * architecture).
     */
    public static void apply(T5ForConditionalGeneration fresh, T5ForConditionalGeneration stats, String scheme, long seed) {
        String[] parts = scheme.split("___");
        if (parts.length != 2 || !STAT_FNS.contains(parts[1]))
            throw new UserError("model.init_scheme: '" + scheme + "' is not <grouping>___<stat_fn> with stat_fn one of " + STAT_FNS);
        Map<String, Tensor> src = stats.parameters();
        Map<String, Tensor> dst = fresh.parameters();
        for (String n : dst.keySet())
            if (!src.containsKey(n) || !java.util.Arrays.equals(Tensors.shape(src.get(n)), Tensors.shape(dst.get(n))))
                throw new UserError("model.init_stats_from: the statistics model's parameter '" + n + "' is missing or has another shape");
        SplittableRandom rng = new SplittableRandom(seed);
        for (List<String> g : groups(parts[0], new ArrayList<>(dst.keySet()))) {
            double[] ms = meanStd(g, src);
            boolean norm = isNorm(g.get(0));
            for (String n : g) {
                long numel = dst.get(n).numel();
                float[] v = new float[(int) numel];
                for (int i = 0; i < v.length; i++) {
                    if (parts[1].equals("init_scale")) v[i] = norm ? (float) ms[0] : (float) (rng.nextGaussian() * ms[1]);
                    else v[i] = (float) (ms[0] + rng.nextGaussian() * ms[1]);
                }
                try (PointerScope s = new PointerScope()) {
                    fresh.params().copyInto(n, Tensors.floats(v, Tensors.shape(dst.get(n))));
                }
            }
        }
    }

    /** Table 3: every pre-self- and pre-cross-attention layer norm scale set to {@code value}. */
    public static void setPreAttentionNorms(T5ForConditionalGeneration model, double value) {
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : model.parameters().entrySet())
                if (isPreAttentionNorm(e.getKey())) e.getValue().fill_(Tensors.scalar(value));
        }
    }

    /** Mean and (population) standard deviation over all elements of the group's tensors. */
    static double[] meanStd(List<String> group, Map<String, Tensor> params) {
        double sum = 0, sq = 0;
        long n = 0;
        for (String name : group) {
            for (float f : Tensors.toFloats(params.get(name))) {
                sum += f;
                sq += (double) f * f;
            }
            n += params.get(name).numel();
        }
        double mean = sum / n;
        return new double[]{mean, Math.sqrt(Math.max(0, sq / n - mean * mean))};
    }

    /** Group name → (mean, std), for reports and tests. */
    public static Map<String, double[]> statistics(T5ForConditionalGeneration model, String grouping) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (List<String> g : groups(grouping, new ArrayList<>(model.parameters().keySet())))
            out.put(g.size() == 1 ? g.get(0) : g.get(0) + " (+" + (g.size() - 1) + ")", meanStd(g, model.parameters()));
        return out;
    }
}
