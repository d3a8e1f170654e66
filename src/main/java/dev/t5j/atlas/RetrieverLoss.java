package dev.t5j.atlas;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The retriever's training losses as Atlas computes them (atlas : src/atlas.py). Retriever scores are inner products
 * divided by sqrt(dim) before the temperature, as Atlas divides by sqrt(768).
 */
public final class RetrieverLoss {
    private RetrieverLoss() {}

    /** {@code <q_b, p_bk> / sqrt(dim)}: query embeddings [B, d], passage embeddings [B, K, d] → [B, K]. */
    public static Tensor scores(Tensor queries, Tensor passages) {
        long d = queries.size(1);
        return passages.matmul(queries.unsqueeze(2)).squeeze(2).div(Tensors.scalar(Math.sqrt(d)));
    }

    /**
     * {@code nn.KLDivLoss()(log_softmax(score/ts), softmax(gold/tg))} with PyTorch's default reduction 'mean': the
     * elementwise KL summed and divided by B·K (not batchmean), as Atlas. Written with log-probabilities on both sides
     * so that teacher probabilities that underflow to 0 at temperature 0.01 contribute 0, as torch's xlogy does.
     */
    public static Tensor kl(Tensor retrieverScore, Tensor gold, double temperatureScore, double temperatureGold) {
        Tensor input = torch.log_softmax(retrieverScore.div(Tensors.scalar(temperatureScore)), -1,
                new ScalarTypeOptional());
        Tensor logTarget = torch.log_softmax(gold.div(Tensors.scalar(temperatureGold)), -1, new ScalarTypeOptional());
        Tensor elem = logTarget.exp().mul(logTarget.sub(input));
        return elem.sum().div(Tensors.scalar((double) elem.numel()));
    }

    /**
     * EMDR²: {@code -Σ_{b,t} logsumexp_k(goldLogProb[b,k,t] + log_softmax(score/ts)[b,k]) · mask / Σ mask}, the
     * marginalisation over passages taken per target token, as Atlas.
     *
     * @param goldTokenLogProbs [B, K, T] from {@link GoldScores#emdrTokenLogProbs}
     * @param labels            [B, T] (-100 = padding)
     */
    public static Tensor emdr(Tensor retrieverScore, Tensor goldTokenLogProbs, Tensor labels, double temperatureScore) {
        // [B, K]
        Tensor logScore = torch.log_softmax(retrieverScore.div(Tensors.scalar(temperatureScore)), -1,
                new ScalarTypeOptional());
        Tensor joint = goldTokenLogProbs.add(logScore.unsqueeze(2)); // [B, K, T]
        Tensor lse = torch.logsumexp(joint, new long[]{1}, false); // [B, T]
        Tensor mask = labels.ne(Tensors.scalar(-100)).to(torch.ScalarType.Float);
        return lse.mul(mask).sum().neg().div(mask.sum());
    }
}
