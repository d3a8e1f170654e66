package dev.t5j.data;

import java.util.LinkedHashMap;
import dev.t5j.common.UserError;
import java.util.Iterator;
import java.util.Map;

/**
 * seqio {@code EncDecFeatureConverter}: task features {@code inputs}/{@code targets} → model features
 * {@code encoder_input_tokens}, {@code decoder_target_tokens}, {@code decoder_input_tokens} (targets shifted right,
 * 0 at position 0 and at the start of every packed segment), {@code decoder_loss_weights} ({@code targets != 0}),
 * and, when packing, segment ids and positions for both sides.
 */
public final class EncDecFeatureConverter {
    private final int inputsLength;
    private final int targetsLength;
    private final boolean pack;
    private final int bosId;

    public EncDecFeatureConverter(int inputsLength, int targetsLength, boolean pack) {
        this(inputsLength, targetsLength, pack, 0);
    }

    public EncDecFeatureConverter(int inputsLength, int targetsLength, boolean pack, int bosId) {
        if (inputsLength < 1 || targetsLength < 1) throw new UserError("sequence lengths must be positive");
        this.inputsLength = inputsLength;
        this.targetsLength = targetsLength;
        this.pack = pack;
        this.bosId = bosId;
    }

    /** One model row; segment ids and positions are null when not packing (as in seqio). */
    public record Row(int[] encoderInputTokens, int[] encoderSegmentIds, int[] encoderPositions,
                      int[] decoderTargetTokens, int[] decoderInputTokens, int[] decoderLossWeights,
                      int[] decoderSegmentIds, int[] decoderPositions) {}

    public int inputsLength() {
        return inputsLength;
    }

    public int targetsLength() {
        return targetsLength;
    }

    /** Model rows that can tell their resume {@link Packing.Position}. */
    public interface Rows extends Iterator<Row> {
        Packing.Position position();
    }

    public Rows convert(Iterator<Example> examples) {
        return convert(examples, 0);
    }

    /**
     * Converts, dropping the first {@code skipRows} rows of the first packing window (see {@link Packing.Position}).
     */
    public Rows convert(Iterator<Example> examples, int skipRows) {
        Map<String, Integer> lengths = new LinkedHashMap<>();
        lengths.put("inputs", inputsLength);
        lengths.put("targets", targetsLength);
        Packing.RowIterator rows = pack ? Packing.pack(examples, lengths, skipRows) : Packing.pad(examples, lengths);
        return new Rows() {
            public Packing.Position position() { return rows.position(); }

            public boolean hasNext() { return rows.hasNext(); }

            public Row next() {
                Packing.Row r = rows.next();
                int[] targets = r.tokens().get("targets");
                int[] tseg = pack ? r.segmentIds().get("targets") : null;
                int[] weights = new int[targets.length];
                for (int i = 0; i < targets.length; i++) weights[i] = targets[i] != 0 ? 1 : 0;
                return new Row(r.tokens().get("inputs"), pack ? r.segmentIds().get("inputs") : null, pack
                        ? r.positions().get("inputs") : null,
                        targets, autoregressiveInputs(targets, tseg, bosId), weights,
                        tseg, pack ? r.positions().get("targets") : null);
            }
        };
    }

    /**
     * seqio {@code make_autoregressive_inputs}: shift right by one with {@code bos} in front; with segment ids, every
     * position whose segment differs from the previous position's gets {@code bos} instead.
     */
    public static int[] autoregressiveInputs(int[] targets, int[] segmentIds, int bos) {
        int[] out = new int[targets.length];
        if (targets.length == 0) return out;
        out[0] = bos;
        for (int i = 1; i < targets.length; i++) {
            boolean first = segmentIds != null && segmentIds[i] != segmentIds[i - 1];
            out[i] = first ? bos : targets[i - 1];
        }
        if (segmentIds != null && segmentIds[0] != 0) out[0] = bos;
        return out;
    }
}
