package dev.t5j.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TrainingBatchesTest {
    static String fingerprint(Batch b) {
        return Arrays.deepToString(b.encoderInputTokens()) + Arrays.deepToString(b.decoderTargetTokens())
                + Arrays.deepToString(b.decoderSegmentIds());
    }

    static List<String> take(TrainingBatches it, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n && it.hasNext(); i++) l.add(fingerprint(it.next()));
        return l;
    }

    @Test
    void resumeFromAPositionGivesTheSameBatches() {
        for (int threads : new int[] {1, 2}) {
            Task t = PipelineTest.qaTask("t", 37);
            DataCatalog c = new DataCatalog();
            ReadOptions o = ReadOptions.split("train").withEpochs(0).withShuffle(true, 9).withShuffleBuffer(8);
            EncDecFeatureConverter conv = new EncDecFeatureConverter(40, 12, true);
            List<String> expected;
            Packing.Position pos;
            try (TrainingBatches b = TrainingBatches.open(t, o, conv, 3, true, threads, 16, null)) {
                take(b, 7);
                pos = b.position();
                expected = take(b, 6);
            }
            assertTrue(pos.examples() > 0);
            try (TrainingBatches b = TrainingBatches.open(t, o, conv, 3, true, threads, 16, pos)) {
                assertEquals(expected, take(b, 6), "threads " + threads + ", resumed at " + pos);
            }
        }
    }

    @Test
    void positionsCountExamplesAndRowsIntoTheWindow() {
        Task t = PipelineTest.qaTask("t", 50);
        DataCatalog c = new DataCatalog();
        // unpacked: one example per row
        try (TrainingBatches b = TrainingBatches.open(t, ReadOptions.split("train"), new EncDecFeatureConverter(40,
                12, false), 4, false, 1, 1, null)) {
            b.next();
            b.next();
            assertEquals(new Packing.Position(8, 0), b.position());
        }
        // packed with window max(40, 12) = 40 examples: the first rows come from the first window
        try (TrainingBatches b = TrainingBatches.open(t, ReadOptions.split("train"), new EncDecFeatureConverter(40,
                12, true), 1, false, 1, 1, null)) {
            b.next();
            assertEquals(new Packing.Position(0, 1), b.position());
        }
    }
}
