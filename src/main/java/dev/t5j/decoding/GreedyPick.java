package dev.t5j.decoding;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The greedy choice of a decoding step in libtorch: per row the first index of the largest logit (as
 * {@code torch.argmax}) and its log-probability, {@code logit − logsumexp(row)}. Only B ids and B scores cross to
 * Java: copying the logits out and taking {@code Math.exp} of each in Java costs more than the decoder step at batch
 * 32 (32 rows × 32128).
 *
 * <p>The index is found in two levels because libtorch's {@code max(dim)} with indices runs a scalar loop (1 thread,
 * [32, 32128] on AMD Zen 4: 0.57 ms): the maximum of each block of {@link #BLOCK} logits ({@code amax}, vectorized),
 * then the first block holding the row's maximum ({@code max} over the few block maxima), then the first index of it
 * inside that block, in Java. The first block with the maximum holds its first occurrence, so ties resolve as
 * {@code torch.argmax} does.
 */
final class GreedyPick {
    /**
     * Logits per block. {@code amax} over an innermost dimension is fast only when it is long enough: [32, 32128] as
     * blocks of 16 took 1.2 ms, of 64 0.12 ms, of 128 0.09 ms (32128 = 251 × 128), of 1004 0.09 ms; the in-block
     * search is in Java, so the smaller of the fast sizes.
     */
    static final int BLOCK = 128;

    /** Per row: the chosen id and its log-probability under the row's softmax (with forbidden EOS excluded). */
    record Picks(long[] ids, float[] logProbs) {}

    private GreedyPick() {}

    /**
     * @param logits     [B, V] (any float dtype; computed in fp32). Changed in place where EOS is forbidden.
     * @param eosBlocked per row whether EOS is forbidden at this step (HF {@code MinLengthLogitsProcessor}); null =
     *                   no row
     * @param eos        the EOS id
     */
    static Picks pick(Tensor logits, boolean[] eosBlocked, int eos) {
        Tensor lg = logits.to(torch.ScalarType.Float);
        int batch = (int) lg.size(0);
        long vocab = lg.size(1);
        if (eosBlocked != null) blockEos(lg, eosBlocked, eos);
        float[] logZ = Tensors.toFloats(lg.logsumexp(new long[]{1}, false));
        long blocks = (vocab + BLOCK - 1) / BLOCK;
        Tensor padded = vocab % BLOCK == 0 ? lg : torch.constant_pad_nd(lg, new long[]{0, blocks * BLOCK - vocab},
                Tensors.scalar(Double.NEGATIVE_INFINITY));
        Tensor grid = padded.view(batch, blocks, BLOCK);
        T_TensorTensor_T best = grid.amax(new long[]{2}, false).max(1, false); // the first block with the maximum
        long[] block = Tensors.toLongs(best.get1());
        float[] inBlock = Tensors.toFloats(grid.gather(1, best.get1().view(batch, 1, 1).expand(batch, 1, BLOCK)));
        float[] top = Tensors.toFloats(best.get0());
        long[] ids = new long[batch];
        float[] logProbs = new float[batch];
        for (int b = 0; b < batch; b++) {
            int j = 0;
            // the first entry equal to the block's maximum; a NaN maximum (NaN logits) is taken where it is
            while (j < BLOCK - 1 && !(inBlock[b * BLOCK + j] == top[b]) && !Float.isNaN(inBlock[b * BLOCK + j])) j++;
            ids[b] = block[b] * BLOCK + j;
            logProbs[b] = top[b] - logZ[b];
        }
        return new Picks(ids, logProbs);
    }

    /** Sets EOS to −∞ in the rows where it is forbidden: one call when all rows are. */
    private static void blockEos(Tensor lg, boolean[] eosBlocked, int eos) {
        boolean all = true;
        for (boolean b : eosBlocked) all &= b;
        if (all) {
            lg.select(1, eos).fill_(Tensors.scalar(Double.NEGATIVE_INFINITY));
            return;
        }
        for (int b = 0; b < eosBlocked.length; b++)
            if (eosBlocked[b]) lg.select(0, b).select(0, eos).fill_(Tensors.scalar(Double.NEGATIVE_INFINITY));
    }
}
