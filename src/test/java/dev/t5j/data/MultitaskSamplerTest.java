package dev.t5j.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The temperature sampler draws what HyperFormer's torch code draws (sampler.json), and the same task on every rank.
* */
class MultitaskSamplerTest {
    static final JsonNode FX = Json.read(Path.of("src/test/resources/data/multitask/sampler.json"));

    static MultitaskSampler sampler(int rank) {
        long[] sizes = new long[FX.get("sizes").size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = FX.get("sizes").get(i).asLong();
        return new MultitaskSampler(sizes, FX.get("batch").asInt(), FX.get("temperature").asDouble(),
                FX.get("replicas").asInt(), rank, FX.get("seed").asLong());
    }

    @Test
    void drawsEqualTorchsForEveryRankAndEpoch() {
        int batches = 0;
        for (JsonNode c : FX.get("cases")) {
            MultitaskSampler s = sampler(c.get("rank").asInt());
            for (int i = 0; i < 3; i++) assertEquals(c.get("weights").get(i).asDouble(), s.weights()[i], 1e-15);
            List<MultitaskSampler.TaskBatch> got = s.epoch(c.get("epoch").asInt());
            assertEquals(c.get("batches").size(), got.size());
            for (int b = 0; b < got.size(); b++) {
                JsonNode want = c.get("batches").get(b);
                assertEquals(want.get("task").asInt(), got.get(b).task(), "batch " + b);
                long[] idx = new long[want.get("indices").size()];
                for (int i = 0; i < idx.length; i++) idx[i] = want.get("indices").get(i).asLong();
                assertArrayEquals(idx, got.get(b).indices(), "batch " + b);
                batches++;
            }
        }
        assertEquals(4 * 18, batches, "ceil(142 / 4) / 2 = 18 batches per epoch and rank");
    }

    @Test
    void everyRankDrawsTheSameTaskPerBatchAndEpochsDiffer() {
        List<MultitaskSampler.TaskBatch> r0 = sampler(0).epoch(5);
        List<MultitaskSampler.TaskBatch> r1 = sampler(1).epoch(5);
        for (int b = 0; b < r0.size(); b++) assertEquals(r0.get(b).task(), r1.get(b).task());
        assertNotEquals(r0.stream().map(MultitaskSampler.TaskBatch::task).toList(),
                sampler(0).epoch(6).stream().map(MultitaskSampler.TaskBatch::task).toList());
    }

    @Test
    void temperatureOneIsProportionalAndLargeIsNearlyUniform() {
        MultitaskSampler t1 = new MultitaskSampler(new long[]{300, 100}, 8, 1.0, 1, 0, 0);
        assertEquals(0.75, t1.weights()[0], 1e-12);
        MultitaskSampler big = new MultitaskSampler(new long[]{300, 100}, 8, 1e6, 1, 0, 0);
        assertEquals(0.5, big.weights()[0], 1e-5);
    }
}
