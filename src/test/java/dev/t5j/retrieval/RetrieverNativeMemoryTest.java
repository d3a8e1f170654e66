package dev.t5j.retrieval;

import dev.t5j.engine.NativeMemoryProbe;
import dev.t5j.engine.Torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** As model.NativeMemoryTest: embedding and query-side training steps must not leak native objects or memory. */
class RetrieverNativeMemoryTest {
    @Test
    void manyEmbedCallsAndTrainingStepsKeepNativeMemoryFlat() {
        int threads = Torch.threads();
        Torch.setThreads(1); // tiny ops: one thread is as fast and does not fight a busy machine
        try (Retriever r = RetrieverTest.tied(51)) {
            r.untie();
            ContrieverEmbedder pe = r.passageEmbedder(3).withProgress(false);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 7; i++) texts.add(RetrieverTest.PASSAGES.get(i % 3) + " more".repeat(i));
            Runnable round = () -> {
                pe.embed(texts);
                r.queryEmbedder(2).embed(RetrieverTest.QUERIES);
                r.train(true);
                RetrieverTest.sgdStep(r, 0.01);
                r.train(false);
            };
            NativeMemoryProbe.assertFlat(round, 15, 3, 40, 16L << 20);
        } finally {
            Torch.setThreads(threads);
        }
    }
}
