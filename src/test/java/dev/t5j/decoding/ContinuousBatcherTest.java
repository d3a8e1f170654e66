package dev.t5j.decoding;

import dev.t5j.engine.Torch;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 14: sequences join and leave a running batch and decode exactly as they would alone. */
class ContinuousBatcherTest {
    static T5ForConditionalGeneration model;

    @BeforeAll
    static void init() {
        Torch.init(1);
        model = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 21);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Deterministic prompts of different lengths. */
    static int[] prompt(int i) {
        int[] ids = new int[3 + (i * 7) % 11];
        for (int j = 0; j < ids.length; j++) ids[j] = 3 + (i * 31 + j * 17) % 200;
        ids[ids.length - 1] = 1;
        return ids;
    }

    static int[] alone(int[] input, GenerationConfig cfg) {
        return new Generator(model).generate(new int[][] {input}, cfg).sequences()[0];
    }

    @Test
    void requestsJoiningAndLeavingMidDecodeGetTheirOwnOutput() throws Exception {
        AtomicInteger maxBatch = new AtomicInteger();
        try (ContinuousBatcher cb = new ContinuousBatcher(model, new ContinuousBatcher.Limits(8, 32),
                (b, t) -> maxBatch.accumulateAndGet(b, Math::max))) {
            // a long first request; the others join once it has produced 3 tokens
            GenerationConfig longCfg = GenerationConfig.greedy(64).withMinNewTokens(64);
            AtomicInteger sharedWithFirst = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(3);
            ContinuousBatcher.Request first = cb.submit(prompt(0), longCfg, 0, id -> {
                sharedWithFirst.accumulateAndGet(cb.running(), Math::max);
                started.countDown();
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            List<ContinuousBatcher.Request> later = new ArrayList<>();
            List<GenerationConfig> cfgs = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                GenerationConfig c = i % 2 == 0 ? GenerationConfig.greedy(3 + i)
                        : GenerationConfig.greedy(12).withMinNewTokens(12);
                if (i == 5) c = GenerationConfig.sample(9, 0.8, 20, 0.95, 77);
                cfgs.add(c);
                later.add(cb.submit(prompt(i), c, 0, null));
            }
            ContinuousBatcher.Output f = first.result().get(60, TimeUnit.SECONDS);
            assertArrayEquals(alone(prompt(0), longCfg), f.ids());
            assertEquals(ContinuousBatcher.Finish.LENGTH, f.finish());
            Set<String> distinct = new HashSet<>();
            for (int i = 0; i < later.size(); i++) {
                ContinuousBatcher.Output out = later.get(i).result().get(60, TimeUnit.SECONDS);
                int[] got = out.ids();
                assertArrayEquals(alone(prompt(i + 1), cfgs.get(i)), got, "prompt " + (i + 1));
                // the sequence's log-probability too (greedy rows: GreedyPick; the sampled one: Java's log-sum-exp)
                double want = new Generator(model).generate(new int[][]{prompt(i + 1)}, cfgs.get(i)).scores()[0];
                assertEquals(want, out.score(), 1e-4 * Math.max(1, Math.abs(want)), "score of prompt " + (i + 1));
                distinct.add(java.util.Arrays.toString(got));
            }
            assertTrue(distinct.size() >= 3, "prompts give different outputs, so mixing would show: " + distinct);
            assertTrue(maxBatch.get() > 1, "requests decoded together");
            assertTrue(sharedWithFirst.get() > 1, "later requests joined while the first was decoding");
            assertEquals(0, cb.running());
            long tokens = f.ids().length;
            for (ContinuousBatcher.Request r : later) tokens += r.result().get().ids().length;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // published after the step that ended them
            while (cb.stats().rows() < tokens && System.nanoTime() < until) Thread.sleep(10);
            ContinuousBatcher.Stats st = cb.stats();
            assertEquals(tokens, st.rows(), "one sequence-step per generated token: " + st);
            assertEquals(7, st.joined(), st.toString());
            assertTrue(st.joins() >= 2 && st.joins() <= 7 && st.steps() >= 64 && st.steps() < tokens, st.toString());
            assertTrue(st.stepNs() > 0 && st.joinNs() > 0, st.toString());
        }
    }

    @Test
    void manyConcurrentClientsNeverGetAnotherRequestsOutput() throws Exception {
        GenerationConfig cfg = GenerationConfig.greedy(10);
        int n = 24;
        int[][] want = new int[n][];
        for (int i = 0; i < n; i++) want[i] = alone(prompt(i), cfg);
        try (ContinuousBatcher cb = new ContinuousBatcher(model, new ContinuousBatcher.Limits(5, 64), null)) {
            List<Thread> clients = new ArrayList<>();
            int[][] got = new int[n][];
            for (int i = 0; i < n; i++) {
                int k = i;
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep((k * 13) % 40);
                        got[k] = cb.submit(prompt(k), cfg, 0, null).result().get(60, TimeUnit.SECONDS).ids();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) t.join(120_000);
            for (int i = 0; i < n; i++) assertArrayEquals(want[i], got[i], "prompt " + i);
        }
    }

    @Test
    void cancelledAndLateRequestsLeaveAndAFullQueueRefuses() throws Exception {
        GenerationConfig cfg = GenerationConfig.greedy(200).withMinNewTokens(200);
        try (ContinuousBatcher cb = new ContinuousBatcher(model, new ContinuousBatcher.Limits(1, 1), null)) {
            CountDownLatch going = new CountDownLatch(2);
            ContinuousBatcher.Request a = cb.submit(prompt(1), cfg, 0, id -> going.countDown());
            assertTrue(going.await(30, TimeUnit.SECONDS));
            ContinuousBatcher.Request queued = cb.submit(prompt(2), GenerationConfig.greedy(3), 0, null);
            assertThrows(ContinuousBatcher.QueueFullException.class, () -> cb.submit(prompt(3), cfg, 0, null));
            a.cancel();
            ContinuousBatcher.Output out = a.result().get(30, TimeUnit.SECONDS);
            assertEquals(ContinuousBatcher.Finish.CANCELLED, out.finish());
            assertTrue(out.ids().length < 200);
            assertArrayEquals(alone(prompt(2), GenerationConfig.greedy(3)), queued.result().get(30,
                    TimeUnit.SECONDS).ids());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            ContinuousBatcher.Output late = cb.submit(prompt(4), cfg, deadline, null).result().get(30,
                    TimeUnit.SECONDS);
            assertEquals(ContinuousBatcher.Finish.DEADLINE, late.finish());
            assertEquals(0, cb.running());
        }
    }
}
