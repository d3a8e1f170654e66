package dev.t5j.adapters;

import dev.t5j.model.Activations;
import dev.t5j.model.T5Config;
import org.bytedeco.pytorch.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * Houlsby adapters as ruse/HyperFormer's {@code AdapterController} (reference B.1): after each self-attention and
 * feed-forward sub-layer, {@code out = up(act(down(preLN?(y)))); out = postLN?(out); return out + y}, before the
 * block's dropout and outer residual. One adapter per task (or one shared); the adapter layer norms
 * ({@code nn.LayerNorm}, with bias) are shared by the tasks of a sub-layer.
 */
final class HoulsbyAdapters extends AdapterModule {
    private record Adapter(Nn.Linear down, Nn.Linear up) {}

    private record Controller(Map<String, Adapter> adapters, Nn.LayerNorm pre, Nn.LayerNorm post) {}

    private final Map<Site, Controller> controllers = new HashMap<>();

    HoulsbyAdapters(AdapterConfig c, T5Config base) {
        super(c, base);
        int d = base.dModel();
        int b = c.bottleneck(d);
        for (Site s : sites()) {
            String p = prefix(s) + ".adapter_controller";
            Map<String, Adapter> per = new HashMap<>();
            for (String t : c.adapterNames()) {
                String a = p + ".adapters." + t;
                per.put(t, new Adapter(Nn.Linear.create(params, a + ".down_sampler", d, b, c.weightInitRange()),
                        Nn.Linear.create(params, a + ".up_sampler", b, d, c.weightInitRange())));
            }
            Nn.LayerNorm pre = c.addLayerNormBeforeAdapter() ? Nn.LayerNorm.create(params, p + ".pre_layer_norm", d,
                    Nn.LN_EPS) : null;
            Nn.LayerNorm post = c.addLayerNormAfterAdapter() ? Nn.LayerNorm.create(params, p + ".post_layer_norm", d,
                    Nn.LN_EPS) : null;
            controllers.put(s, new Controller(per, pre, post));
        }
    }

    @Override
    public Tensor afterSubLayer(Site site, Tensor y) {
        Controller c = controllers.get(site);
        if (c == null) return y;
        Adapter a = c.adapters.get(task());
        Tensor z = c.pre == null ? y : c.pre.apply(y);
        Tensor out = a.up.apply(Activations.apply(config.nonLinearity(), a.down.apply(z)));
        if (c.post != null) out = c.post.apply(out);
        return out.add(y);
    }
}
