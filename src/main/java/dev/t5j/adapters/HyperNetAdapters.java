package dev.t5j.adapters;

import dev.t5j.model.Params;
import dev.t5j.model.T5Config;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Map;

/**
 * HyperFormer (reference B.2): one hypernetwork per stack generates every adapter of that stack from
 * {@code LN(TaskHyperNet([task; layer id]))} ({@code unique_hyper_net}, {@code AdapterLayersHyperNetController}:
 * separate
 * generators for the feed-forward and self-attention adapters), or, for HyperFormer++, from
 * {@code LN(TaskHyperNet([task; layer id; block type]))} with one shared up and one shared down generator
 * ({@code efficient_unique_hyper_net}, {@code AdapterLayersOneHyperNetController}; block type 0 = feed-forward,
 * 1 = self-attention). Layer norms of the adapters are always generated ({@code LayerNormHyperNet}).
 */
final class HyperNetAdapters extends AdapterModule {
    /** One stack's controller. */
    private final class StackController {
        final Tensor layerIds;
        final Tensor blockTypes; // ++ only
        final TaskHyperNet taskHyperNet;
        final Nn.LayerNorm norm;
        final WeightGenerator[] up = new WeightGenerator[2];   // by block type; ++ shares one
        final WeightGenerator[] down = new WeightGenerator[2];
        final LayerNormHyperNet[] pre = new LayerNormHyperNet[2];
        final LayerNormHyperNet[] post = new LayerNormHyperNet[2];

        StackController(Params p, String prefix, int layers) {
            AdapterConfig c = config;
            int e = c.taskEmbeddingDim();
            int proj = c.projectedTaskEmbeddingDim();
            int d = base.dModel();
            int b = c.bottleneck(d);
            layerIds = p.normal(prefix + ".layer_id_embeddings.weight", 1.0, layers, e); // nn.Embedding: N(0, 1)
            blockTypes = efficient ? p.normal(prefix + ".adapters_block_type.weight", 1.0, 2, e) : null;
            taskHyperNet = new TaskHyperNet(p, prefix + ".task_hypernet", (efficient ? 3 : 2) * e, c.taskHiddenDim(),
                    proj);
            norm = c.uniqueHyperNetLayerNorm() ? Nn.LayerNorm.create(p, prefix + ".LayerNorm", proj,
                    Nn.HYPER_LN_EPS) : null;
            if (efficient) {
                up[0] = up[1] = new WeightGenerator(p, prefix + ".up_sampler_hyper_net", proj, d, b);
                down[0] = down[1] = new WeightGenerator(p, prefix + ".down_sampler_hyper_net", proj, b, d);
                if (c.addLayerNormBeforeAdapter()) pre[0] = pre[1] = new LayerNormHyperNet(p, prefix
                        + ".pre_layernorm_hypernet", proj, d);
                if (c.addLayerNormAfterAdapter()) post[0] = post[1] = new LayerNormHyperNet(p, prefix
                        + ".post_layernorm_hypernet", proj, d);
            } else {
                String[] kind = {"feed_forward", "self_attention"};
                // HyperFormer creates FF up, FF down, SA up, SA down, then the layer-norm nets: same order here.
                for (int t = 0; t < 2; t++) {
                    up[t] = new WeightGenerator(p, prefix + "." + kind[t] + "_up_sampler_hyper_net", proj, d, b);
                    down[t] = new WeightGenerator(p, prefix + "." + kind[t] + "_down_sampler_hyper_net", proj, b, d);
                }
                for (int t = 0; t < 2; t++) {
                    if (c.addLayerNormBeforeAdapter()) pre[t] = new LayerNormHyperNet(p, prefix + "." + kind[t]
                            + "_pre_layernorm_hypernet", proj, d);
                    if (c.addLayerNormAfterAdapter()) post[t] = new LayerNormHyperNet(p, prefix + "." + kind[t]
                            + "_post_layernorm_hypernet", proj, d);
                }
            }
        }

        /** HyperFormer's get_embedding: [task; layer id (; block type)] → TaskHyperNet → LayerNorm. */
        Tensor embedding(Tensor task, int layer, int type) {
            Tensor layerEmb = layerIds.select(0, layer);
            TensorVector parts = efficient
                    ? new TensorVector(task.view(-1), layerEmb, blockTypes.select(0, type))
                    : new TensorVector(task.view(-1), layerEmb);
            Tensor h = taskHyperNet.forward(torch.cat(parts, 0));
            return norm == null ? h : norm.apply(h);
        }

        AdapterWeights weights(Tensor task, int layer, int type) {
            Tensor e = embedding(task, layer, type);
            return new AdapterWeights(down[type].weight(e), down[type].bias(e), up[type].weight(e), up[type].bias(e),
                    pre[type] == null ? null : pre[type].weight(e), pre[type] == null ? null : pre[type].bias(e),
                    post[type] == null ? null : post[type].weight(e), post[type] == null ? null : post[type].bias(e));
        }
    }

    private final boolean efficient;
    private final TaskEmbeddingController taskEmbeddings;
    private final StackController encoder;
    private final StackController decoder;

    HyperNetAdapters(AdapterConfig c, T5Config base) {
        super(c, base);
        efficient = c.methodEnum() == AdapterMethod.HYPERFORMER_PP;
        // HyperFormer builds the task embeddings on the model, then the encoder stack's controller, then the decoder's.
        taskEmbeddings = new TaskEmbeddingController(params, c);
        encoder = new StackController(params, "encoder.adapter_layers_hyper_net", base.numLayers());
        decoder = c.addAdaptersInDecoder()
                ? new StackController(params, "decoder.adapter_layers_hyper_net", base.numDecoderLayers()) : null;
    }

    @Override
    public Map<String, Tensor> frozen() {
        return taskEmbeddings.frozen();
    }

    @Override
    public Tensor afterSubLayer(Site site, Tensor y) {
        StackController sc = site.decoder() ? decoder : encoder;
        if (sc == null) return y;
        int type = site.kind() == SubLayer.FEED_FORWARD ? 0 : 1;
        return sc.weights(taskEmbeddings.forward(task()), site.layer(), type).apply(config.nonLinearity(), y);
    }
}
