package dev.t5j.decoding;

import dev.t5j.common.UserError;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16 item 3: a huge max_new_tokens is refused up front, and a generous one allocates only what is generated. */
class DecodingLimitsTest {
    @Test
    void lengthsWhoseCacheCannotFitAreRefusedWithTheLargestThatFits() {
        T5Config tiny = T5Config.preset("tiny"); // 2 decoder layers x 4 heads x 16: 1,024 cache bytes per token
        long gb = 1_000_000_000L;
        assertDoesNotThrow(() -> DecodingLimits.check(tiny, 64, 1000, 8 * gb));
        UserError e = assertThrows(UserError.class, () -> DecodingLimits.check(tiny, 2, 1_000_000_000, 8 * gb));
        assertTrue(e.getMessage().contains("1000000000") && e.getMessage().contains("at most 3891050 tokens fit"),
                e.getMessage());
        assertThrows(UserError.class, () -> DecodingLimits.check(tiny, 1, 0, 8 * gb));
    }

    @Test
    void generatorRefusesAHugeLimitBeforeDecoding() {
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1)) {
            UserError e = assertThrows(UserError.class, () -> new Generator(m).generate(new int[][] {{5, 6, 1}},
                    GenerationConfig.greedy(Integer.MAX_VALUE)));
            assertTrue(e.getMessage().contains("key/value cache"), e.getMessage());
        }
    }

    @Test
    void outputBuffersGrowWithWhatIsGeneratedNotWithTheLimit() {
        // One small decoder layer (36 bytes of cache per token) whose EOS (id 0 here) always wins: the final layer
        // norm is zeroed, so every logit is 0 and argmax picks id 0. Decoding stops after one token.
        T5Config c = new T5Config(64, 8, 4, 16, 1, 1, 1, 32, 128, 0.0, 1e-6, 1.0, "relu", true, 0, 0, 0);
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(c, 2)) {
            try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                m.parameters().get("decoder.final_layer_norm.weight").zero_();
            }
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().getId();
            new Generator(m).generate(new int[][] {{5, 6, 1}}, GenerationConfig.greedy(4)); // warm-up
            long before = threads.getThreadAllocatedBytes(tid);
            var r = new Generator(m).generate(new int[][] {{5, 6, 1}, {7, 1}}, GenerationConfig.greedy(20_000_000));
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertArrayEquals(new int[] {0}, r.sequences()[0]);
            // int[2][20M] preallocated would be 160 MB
            assertTrue(allocated < 16_000_000, allocated + " bytes allocated");
        }
    }
}
