package dev.t5j.distributed;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two ranks of a real c10d Gloo group over 127.0.0.1 (two threads of this JVM, each with its own store client). */
class GlooReplicasTest {
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static <T> List<T> onRanks(int world, Duration timeout, Function<GlooReplicas, T> body) throws Exception {
        Torch.init(1);
        int port = freePort();
        ExecutorService ex = Executors.newFixedThreadPool(world);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                Rendezvous rv = new Rendezvous("127.0.0.1", port, r, world, r, timeout);
                fs.add(ex.submit(() -> {
                    try (GlooReplicas g = GlooReplicas.join(rv)) {
                        return body.apply(g);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get());
            return out;
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void collectivesOverTwoRanks() throws Exception {
        List<float[][]> res = onRanks(2, Duration.ofSeconds(30), g -> {
            int r = g.rank();
            Tensor sum = Tensors.floats(new float[] {r + 1, 10 * (r + 1)}, 2);
            g.allReduceSum(sum);
            Tensor b = Tensors.floats(new float[] {r == 1 ? 7 : 0, r}, 2);
            g.broadcast(b, 1);
            List<Tensor> gathered = g.allGather(Tensors.floats(new float[] {r, r, r}, 3, 1));
            g.barrier();
            // gradients: rank r's gradient is (r+1)·[1,2,3]; the average is 1.5·[1,2,3]
            Tensor p = Tensors.floats(new float[] {0, 0, 0}, 3).set_requires_grad(true);
            p.mul(Tensors.floats(new float[] {1, 2, 3}, 3)).sum().mul(Tensors.scalar(r + 1)).backward();
            g.allReduceGradients(List.of(p));
            return new float[][] {Tensors.toFloats(sum), Tensors.toFloats(b), Tensors.toFloats(gathered.get(0)),
                    Tensors.toFloats(gathered.get(1)), Tensors.toFloats(p.grad()),
                    new float[] {(float) gathered.get(1).size(0), (float) gathered.get(1).size(1)}};
        });
        for (float[][] r : res) {
            assertArrayEquals(new float[] {3, 30}, r[0]);
            assertArrayEquals(new float[] {7, 1}, r[1]);
            assertArrayEquals(new float[] {0, 0, 0}, r[2]);
            assertArrayEquals(new float[] {1, 1, 1}, r[3]);
            assertArrayEquals(new float[] {1.5f, 3f, 4.5f}, r[4], 1e-6f);
            assertArrayEquals(new float[] {3, 1}, r[5]);
        }
    }

    @Test
    void bucketsSplitAtTheCapAndKeepOrder() {
        Torch.init(1);
        List<Tensor> g = List.of(Tensors.floats(new float[2], 2), Tensors.floats(new float[2], 2),
                Tensors.floats(new float[] {1}, 1));
        List<List<Tensor>> b = GlooReplicas.buckets(g, 16); // the first two fill 16 bytes exactly
        assertEquals(2, b.size());
        assertEquals(List.of(g.get(0), g.get(1)), b.get(0));
        assertEquals(List.of(g.get(2)), b.get(1));
    }

    @Test
    void portInUseIsAUserErrorOnRankZero() throws Exception {
        Torch.init(1);
        try (ServerSocket taken = new ServerSocket(0)) {
            UserError e = assertThrows(UserError.class, () -> GlooReplicas.join(new Rendezvous("127.0.0.1",
                    taken.getLocalPort(), 0, 2, 0, Duration.ofSeconds(5))));
            assertTrue(e.getMessage().contains("port in use"), e.getMessage());
        }
    }

    @Test
    void unreachableMasterIsAUserErrorAfterTheTimeout() throws Exception {
        Torch.init(1);
        UserError e = assertThrows(UserError.class, () -> GlooReplicas.join(new Rendezvous("127.0.0.1", freePort(),
                1, 2, 1, Duration.ofSeconds(2))));
        assertTrue(e.getMessage().contains("cannot reach the master"), e.getMessage());
    }

    @Test
    void ranksWithDifferentWorldSizesAreAUserError() throws Exception {
        Torch.init(1);
        int port = freePort();
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            Future<?> r0 = ex.submit(() -> GlooReplicas.join(new Rendezvous("127.0.0.1", port, 0, 2, 0,
                    Duration.ofSeconds(3))));
            Thread.sleep(300);
            UserError e = assertThrows(UserError.class, () -> GlooReplicas.join(new Rendezvous("127.0.0.1", port,
                    1, 3, 1, Duration.ofSeconds(3))));
            assertTrue(e.getMessage().contains("world size 3 but rank 0 with 2"), e.getMessage());
            Exception e0 = assertThrows(Exception.class, r0::get);
            assertTrue(e0.getCause() instanceof UserError && e0.getCause().getMessage().contains("only 1 of 2"),
                    String.valueOf(e0.getCause()));
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void rankOutsideTheWorldIsAUserError() {
        assertThrows(UserError.class, () -> new Rendezvous("127.0.0.1", 29500, 2, 2, 0, Duration.ofSeconds(1)));
    }
}
