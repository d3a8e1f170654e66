package dev.t5j.adapters;

import dev.t5j.model.Params;
import dev.t5j.model.T5Config;
import org.bytedeco.pytorch.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * The meta-adapter (ruse/HyperFormer {@code MetaAdapterController}, reference B.2): every adapter position has its own
 * hypernetworks that generate the adapter's weights from the task embedding; adapter layer norms are plain
 * {@code nn.LayerNorm}s or, with {@code conditional_layer_norm}, generated from the task embedding too.
 */
final class MetaAdapters extends AdapterModule {
    private final class Controller {
        final WeightGenerator up;
        final WeightGenerator down;
        final Nn.LayerNorm pre;
        final Nn.LayerNorm post;
        final LayerNormHyperNet preHyper;
        final LayerNormHyperNet postHyper;

        Controller(Params p, String prefix, int e, int d, int b) {
            up = new WeightGenerator(p, prefix + ".meta_up_sampler", e, d, b);
            down = new WeightGenerator(p, prefix + ".meta_down_sampler", e, b, d);
            boolean cond = config.conditionalLayerNorm();
            boolean before = config.addLayerNormBeforeAdapter();
            boolean after = config.addLayerNormAfterAdapter();
            post = after && !cond ? Nn.LayerNorm.create(p, prefix + ".post_layer_norm", d, Nn.LN_EPS) : null;
            postHyper = after && cond ? new LayerNormHyperNet(p, prefix + ".post_layernorm_hypernet", e, d) : null;
            pre = before && !cond ? Nn.LayerNorm.create(p, prefix + ".pre_layer_norm", d, Nn.LN_EPS) : null;
            preHyper = before && cond ? new LayerNormHyperNet(p, prefix + ".pre_layernorm_hypernet", e, d) : null;
        }

        AdapterWeights weights(Tensor e) {
            return new AdapterWeights(down.weight(e), down.bias(e), up.weight(e), up.bias(e),
                    pre != null ? pre.weight() : preHyper != null ? preHyper.weight(e) : null,
                    pre != null ? pre.bias() : preHyper != null ? preHyper.bias(e) : null,
                    post != null ? post.weight() : postHyper != null ? postHyper.weight(e) : null,
                    post != null ? post.bias() : postHyper != null ? postHyper.bias(e) : null);
        }
    }

    private final TaskEmbeddingController taskEmbeddings;
    private final Map<Site, Controller> controllers = new HashMap<>();

    MetaAdapters(AdapterConfig c, T5Config base) {
        super(c, base);
        taskEmbeddings = new TaskEmbeddingController(params, c);
        int e = TaskEmbeddingController.outputDim(c);
        int d = base.dModel();
        for (Site s : sites()) controllers.put(s, new Controller(params, prefix(s) + ".adapter_controller", e, d,
                c.bottleneck(d)));
    }

    @Override
    public Map<String, Tensor> frozen() {
        return taskEmbeddings.frozen();
    }

    @Override
    public Tensor afterSubLayer(Site site, Tensor y) {
        Controller c = controllers.get(site);
        if (c == null) return y;
        return c.weights(taskEmbeddings.forward(task())).apply(config.nonLinearity(), y);
    }
}
