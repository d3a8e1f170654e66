package dev.t5j.serve;

import dev.t5j.api.T5j;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.ComputeDtype;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code t5j serve --dtype bf16}: a bf16 model under continuous batching (sequences joining and leaving a running
 * batch, whose caches hold fp32 keys/values) gives each client what the same model generates for its input alone, up
 * to bf16's rounding in late tokens.
 */
class ServeBf16Test {
    @TempDir
    static Path tmp;

    @Test
    void concurrentClientsOfABf16ModelGetTheirOwnOutputs() throws Exception {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 falls back to fp32 on this CPU");
        try (T5j t5 = T5j.load(T5jServerTest.tinyTextModel(tmp.resolve("m")), null, ComputeDtype.BF16);
             T5jServer server = T5jServer.start(t5, ServeConfig.local().withLimits(4096, 64, 4096, 8, 64, 60_000))) {
            assertEquals("BFloat16", t5.model().parameters().get("shared.weight").scalar_type().intern().name());
            int n = 12;
            List<String> want = new ArrayList<>();
            for (int i = 0; i < n; i++)
                want.add(t5.generate(List.of(T5jServerTest.prompt(i)), GenerationConfig.greedy(10)
                        .withMinNewTokens(10)).get(0));
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<T5jServerTest.Reply>> replies = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    replies.add(pool.submit(() -> T5jServerTest.post(server, "/v1/generate", "{\"inputs\": \""
                            + T5jServerTest.prompt(k) + "\", \"max_new_tokens\": 10, \"min_new_tokens\": 10}")));
                }
                int same = 0;
                for (int i = 0; i < n; i++) {
                    T5jServerTest.Reply r = replies.get(i).get(120, TimeUnit.SECONDS);
                    assertEquals(200, r.status(), r.body());
                    assertEquals("length", r.json().get("finish_reasons").get(0).asText(), "client " + i);
                    String got = r.json().get("outputs").get(0).asText();
                    // bf16 products round their outputs, and a batch's rows can round differently than a row alone:
                    // late tokens may differ, but a broken cache (rows mixed or lost) changes them from the start
                    assertEquals(want.get(i).substring(0, 2), got.substring(0, 2), "client " + i + ": " + got);
                    if (got.equals(want.get(i))) same++;
                }
                assertTrue(same >= n / 2, same + " of " + n + " clients got exactly their output alone");
            } finally {
                pool.shutdownNow();
            }
            String metrics = T5jServerTest.get(server, "/metrics").body();
            assertTrue(metrics.contains("t5j_batch_size_bucket"), metrics);
        }
    }
}
