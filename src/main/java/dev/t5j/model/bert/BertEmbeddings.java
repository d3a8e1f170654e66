package dev.t5j.model.bert;

import dev.t5j.model.Activations;
import org.bytedeco.javacpp.PointerScope;
import dev.t5j.model.Params;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * HF {@code BertEmbeddings}: word + absolute position + token type embeddings, then LayerNorm and dropout. Positions
 * are 0..T-1 for every row (right padding leaves the real tokens' positions unchanged).
 */
final class BertEmbeddings {
    final Tensor wordEmbeddings;
    final Tensor positionEmbeddings;
    final Tensor tokenTypeEmbeddings;
    final BertLayerNorm layerNorm;
    private final double dropout;
    private final int maxPositions;

    BertEmbeddings(Params p, BertConfig c) {
        wordEmbeddings = p.normal("embeddings.word_embeddings.weight", c.initializerRange(), c.vocabSize(),
                c.hiddenSize());
        positionEmbeddings = p.normal("embeddings.position_embeddings.weight", c.initializerRange(),
                c.maxPositionEmbeddings(), c.hiddenSize());
        tokenTypeEmbeddings = p.normal("embeddings.token_type_embeddings.weight", c.initializerRange(),
                c.typeVocabSize(), c.hiddenSize());
        // nn.Embedding(padding_idx=pad_token_id): HF's _init_weights zeroes that row.
        try (NoGradGuard ng = new NoGradGuard(); var s = new PointerScope()) {
            wordEmbeddings.select(0, c.padTokenId()).zero_();
        }
        layerNorm = new BertLayerNorm(p, "embeddings.LayerNorm", c);
        dropout = c.hiddenDropoutProb();
        maxPositions = c.maxPositionEmbeddings();
    }

    /**
     * @param inputIds     [B, T] int64
     * @param tokenTypeIds [B, T] int64, or null for all zeros (HF's default buffer)
     */
    Tensor forward(Tensor inputIds, Tensor tokenTypeIds, boolean train) {
        long t = inputIds.size(1);
        if (t > maxPositions)
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + maxPositions);
        Tensor x = torch.embedding(wordEmbeddings, inputIds);
        Tensor pos = positionEmbeddings.narrow(0, 0, t).unsqueeze(0); // [1, T, d], broadcast over the batch
        x = x.add(pos);
        if (tokenTypeIds != null) x = x.add(torch.embedding(tokenTypeEmbeddings, tokenTypeIds));
        else x = x.add(tokenTypeEmbeddings.select(0, 0));
        return Activations.dropout(layerNorm.forward(x), dropout, train);
    }
}
