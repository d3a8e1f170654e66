package dev.t5j.retrieval;

import dev.t5j.engine.Torch;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
            for (int i = 0; i < 15; i++) round.run(); // warm-up: allocator pools, grads, thread pools
            System.gc();
            long count0 = Pointer.totalCount();
            long rss0 = Pointer.physicalBytes();
            for (int i = 0; i < 100; i++) round.run();
            System.gc();
            long count1 = Pointer.totalCount();
            long rss1 = Pointer.physicalBytes();
            assertTrue(count1 - count0 <= 16, "live native pointers grew from " + count0 + " to " + count1);
            assertTrue(rss1 - rss0 < 64L << 20, "resident memory grew by " + ((rss1 - rss0) >> 20)
                    + " MiB over 100 rounds");
        } finally {
            Torch.setThreads(threads);
        }
    }
}
