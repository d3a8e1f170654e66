package dev.t5j.model;

import java.util.Arrays;
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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>The appendix groupings ({@code modified_t5x/t5x/_final_init_exps.py}, mapped from t5x to HF names; the
 * relative-position tables are non-layer parameters there): {@code qkvo_per_param_grouping},
 * {@code mlp_per_param_grouping}, {@code premlpln_per_param_grouping} (each attention projection / MLP weight / pre-MLP
 * norm alone), {@code across_ALL_layer_grouping} (query, key, value, attention-out, MLP, pre-MLP norms and attention
 * norms each pooled over all layers, then the two final norms, then the two relative-position tables) and
 * {@code per_layer_grouping} (per layer of each stack: its attention and MLP weights, its norms; then every non-layer
 * parameter alone). Groupings never touch the token embedding; an untied {@code lm_head} (t5x's logits_dense) is a
 * non-layer parameter for per_layer_grouping and keeps its fresh init otherwise (the t5x code assumes a tied head).
 */
public final class InitSchemes {
    public static final List<String> GROUPINGS = List.of("per_param_grouping",
            "across_ALL_layer_AND_per_layer_grouping",
            "preattnln_per_param_grouping", "across_ALL_layer_grouping", "per_layer_grouping",
            "premlpln_per_param_grouping", "qkvo_per_param_grouping", "mlp_per_param_grouping");
    private static final Pattern LAYER = Pattern.compile("^((?:en|de)coder\\.block\\.\\d+)\\.");
    private static final Pattern PROJECTION =
            Pattern.compile(".*(?:SelfAttention|EncDecAttention)\\.([qkvo])\\.weight");
    public static final List<String> STAT_FNS = List.of("init_mean_std", "init_scale");

    private InitSchemes() {}

    static boolean isNorm(String name) {
        return name.contains("layer_norm") || name.contains("final_layer_norm");
    }

    static boolean isWeight(String name) {
        return name.contains("SelfAttention.")
                && !name.contains("relative_attention_bias") || name.contains("EncDecAttention.")
                || name.contains("DenseReluDense.");
    }

    /** Pre-attention norms: encoder layer.0, decoder layer.0 (self) and layer.1 (cross). */
    static boolean isPreAttentionNorm(String name) {
        return name.matches("encoder\\.block\\.\\d+\\.layer\\.0\\.layer_norm\\.weight")
                || name.matches("decoder\\.block\\.\\d+\\.layer\\.[01]\\.layer_norm\\.weight");
    }

    /** Pre-MLP norms: encoder layer.1, decoder layer.2 (t5x {@code pre_mlp_layer_norm}). */
    static boolean isPreMlpNorm(String name) {
        return name.matches("encoder\\.block\\.\\d+\\.layer\\.1\\.layer_norm\\.weight")
                || name.matches("decoder\\.block\\.\\d+\\.layer\\.2\\.layer_norm\\.weight");
    }

    /** The attention projection q, k, v or o (t5x {@code .*attention/}), else null. */
    static String projection(String name) {
        Matcher m = PROJECTION.matcher(name);
        return m.matches() ? m.group(1) : null;
    }

    static boolean isMlp(String name) {
        return name.contains("DenseReluDense.");
    }

    /** {@code encoder.block.3} for a layer's parameter (the relative-position table is not one), else null. */
    static String layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() && !name.contains("relative_attention_bias") ? m.group(1) : null;
    }

    private static List<List<String>> each(List<String> names, Predicate<String> keep) {
        List<List<String>> out = new ArrayList<>();
        for (String n : names) if (keep.test(n)) out.add(List.of(n));
        return out;
    }

    private static List<String> all(List<String> names, Predicate<String> keep) {
        return names.stream().filter(keep).toList();
    }

    /** across_ALL_layer_grouping: each kind of layer parameter pooled over layers, then final norms and relpos. */
    private static List<List<String>> acrossAllLayers(List<String> names) {
        List<List<String>> out = new ArrayList<>();
        for (String p : List.of("q", "k", "v", "o")) out.add(all(names, n -> p.equals(projection(n))));
        out.add(all(names, InitSchemes::isMlp));
        out.add(all(names, InitSchemes::isPreMlpNorm));
        out.add(all(names, InitSchemes::isPreAttentionNorm));
        out.add(all(names, n -> n.endsWith("final_layer_norm.weight")));
        out.add(all(names, n -> n.contains("relative_attention_bias")));
        out.removeIf(List::isEmpty);
        return out;
    }

    /** per_layer_grouping: per layer {attention + MLP}, {norms}; then each non-layer parameter but the embedding. */
    private static List<List<String>> perLayer(List<String> names) {
        Map<String, List<String>> weights = new LinkedHashMap<>(), norms = new LinkedHashMap<>();
        List<List<String>> out = new ArrayList<>();
        for (String n : names) {
            String layer = layerOf(n);
            if (layer == null) continue;
            if (isNorm(n)) norms.computeIfAbsent(layer, k -> new ArrayList<>()).add(n);
            else if (projection(n) != null || isMlp(n)) weights.computeIfAbsent(layer, k -> new ArrayList<>()).add(n);
        }
        for (String layer : weights.keySet()) {
            out.add(weights.get(layer));
            if (norms.containsKey(layer)) out.add(norms.get(layer));
        }
        out.addAll(each(names, n -> layerOf(n) == null && !n.equals("shared.weight")));
        return out;
    }

    /** The parameter groups of {@code grouping} over HF parameter names. */
    static List<List<String>> groups(String grouping, List<String> names) {
        List<List<String>> out = new ArrayList<>();
        switch (grouping) {
            case "per_param_grouping" -> { for (String n : names) if (!n.equals("shared.weight")) out.add(List.of(n)); }
            case "preattnln_per_param_grouping"
                    -> { for (String n : names) if (isPreAttentionNorm(n)) out.add(List.of(n)); }
            case "premlpln_per_param_grouping" -> out.addAll(each(names, InitSchemes::isPreMlpNorm));
            case "qkvo_per_param_grouping" -> out.addAll(each(names, n -> projection(n) != null));
            case "mlp_per_param_grouping" -> out.addAll(each(names, InitSchemes::isMlp));
            case "across_ALL_layer_grouping" -> out.addAll(acrossAllLayers(names));
            case "per_layer_grouping" -> out.addAll(perLayer(names));
            case "across_ALL_layer_AND_per_layer_grouping" -> {
                List<String> w = new ArrayList<>(), norms = new ArrayList<>(), rel = new ArrayList<>();
                for (String n : names) {
                    if (n.contains("relative_attention_bias")) rel.add(n);
                    else if (isNorm(n)) norms.add(n);
                    else if (isWeight(n)) w.add(n);
                }
                for (List<String> g : List.of(w, norms, rel)) if (!g.isEmpty()) out.add(g);
            }
            default -> throw new UserError("model.init_scheme: unknown grouping '" + grouping + "' (allowed: "
                    + String.join(", ", GROUPINGS) + ")");
        }
        return out;
    }

    /**
     * Applies {@code scheme} to {@code fresh} using the statistics of {@code stats} (a pretrained model with the same
     * architecture).
     */
    public static void apply(T5ForConditionalGeneration fresh, T5ForConditionalGeneration stats, String scheme,
            long seed) {
        String[] parts = scheme.split("___");
        if (parts.length != 2 || !STAT_FNS.contains(parts[1]))
            throw new UserError("model.init_scheme: '" + scheme
                    + "' is not <grouping>___<stat_fn> with stat_fn one of " + STAT_FNS);
        Map<String, Tensor> src = stats.parameters();
        Map<String, Tensor> dst = fresh.parameters();
        for (String n : dst.keySet())
            if (!src.containsKey(n) || !Arrays.equals(Tensors.shape(src.get(n)), Tensors.shape(dst.get(n))))
                throw new UserError("model.init_stats_from: the statistics model's parameter '" + n
                        + "' is missing or has another shape");
        SplittableRandom rng = new SplittableRandom(seed);
        for (List<String> g : groups(parts[0], new ArrayList<>(dst.keySet()))) {
            double[] ms = meanStd(g, src);
            boolean norm = isNorm(g.get(0));
            for (String n : g) {
                long numel = dst.get(n).numel();
                float[] v = new float[(int) numel];
                for (int i = 0; i < v.length; i++) {
                    if (parts[1].equals("init_scale"))
                        v[i] = norm ? (float) ms[0] : (float) (rng.nextGaussian() * ms[1]);
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
