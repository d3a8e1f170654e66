package dev.t5j.model.bert;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * How Contriever turns the last hidden states into one vector (Atlas {@code src/retrievers.py},
 * {@code config.pooling}).
 * All three see [CLS] and [SEP] as ordinary tokens (their mask is 1). No L2 normalisation follows.
 */
public enum Pooling {
    /** Mean over non-pad tokens: {@code masked_fill(~mask, 0).sum(1) / mask.sum(1)} (Contriever's default). */
    AVERAGE("average"),
    /** Sum over non-pad tokens divided by the square root of their count (Atlas only). */
    SQRT("sqrt"),
    /** The first token's ([CLS]) hidden state. */
    CLS("cls");

    private final String configName;

    Pooling(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Pooling parse(String s, String field) {
        for (Pooling p : values()) if (p.configName.equals(s)) return p;
        throw new UserError("field '" + field + "': unknown pooling '" + s + "' (use average, sqrt or cls)");
    }

    /**
     * @param lastHidden    [B, T, d]
     * @param attentionMask [B, T] 1/0 (int64 or float)
     * @return [B, d]
     */
    public Tensor pool(Tensor lastHidden, Tensor attentionMask) {
        if (this == CLS) return lastHidden.select(1, 0);
        Tensor keep = attentionMask.to(ScalarType.Bool).unsqueeze(2);
        Tensor summed = lastHidden.masked_fill(keep.logical_not(), Tensors.scalar(0.0)).sum(new long[]{1}, false,
                new ScalarTypeOptional());
        Tensor count = attentionMask.to(lastHidden.scalar_type()).sum(new long[]{1}, false,
                new ScalarTypeOptional()).unsqueeze(1);
        return this == AVERAGE ? summed.div(count) : summed.div(torch.sqrt(count));
    }
}
