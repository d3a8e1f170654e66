package dev.t5j.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's optimizer-state figure is AdamW's two fp32 moments of exactly the trained parameters (no timing checked).
 */
class AdapterBenchTest {
    @Test
    void optimizerStateCoversOnlyTrainedParameters() {
        List<AdapterBench.Row> rows = AdapterBench.run(new AdapterBench.Config("tiny", 2, 8, 4, 1, List.of("none",
                "adapter", "lora")),
                new PrintStream(new ByteArrayOutputStream()));
        for (AdapterBench.Row r : rows) assertEquals(2 * 4 * r.trained(), r.optimizerBytes(), r.method());
        assertEquals(rows.get(0).total(), rows.get(0).trained(), "full fine-tuning trains everything");
        assertTrue(rows.get(1).trained() < rows.get(0).trained() / 10);
        assertTrue(rows.get(2).trained() < rows.get(0).trained() / 10);
    }
}
