package dev.t5j.data;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a task or mixture with several threads and a deterministic result: thread {@code j} of {@code T} reads
 * sub-shard {@code j} of {@code T} of the worker's shard into a bounded queue, and the output interleaves the
 * sub-streams round-robin (skipping finished ones). The order depends only on the options and {@code T}, never on
 * timing, so exact resume works: {@code skip} is split across the sub-streams. Errors in a reader thread are
 * rethrown to the consumer.
 */
public final class ParallelReader {
    private ParallelReader() {}

    private static final Example END = Example.of();

    private record Failure(RuntimeException error) {}

    public static ExampleIterator open(DatasetProvider provider, ReadOptions o, int threads, int prefetch) {
        if (threads < 1) throw new UserError("reader threads must be >= 1, got " + threads);
        if (threads == 1) return provider.open(o);
        provider.check(o); // fail before starting threads
        // Split the skip: positions p = k*T + j go to sub-stream j. Exact when sub-streams do not run out before the
        // skipped prefix ends (always true for endless reading); otherwise fall back to consuming the prefix.
        long skip = o.skip();
        boolean splitSkip = o.numEpochs() == 0;
        List<BlockingQueue<Object>> queues = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int j = 0; j < threads; j++) {
            long subSkip = splitSkip ? (skip > j ? (skip - j + threads - 1) / threads : 0) : 0;
            ReadOptions sub = o.withShard(o.shard().sub(j, threads)).withSkip(subSkip);
            BlockingQueue<Object> q = new ArrayBlockingQueue<>(Math.max(1, prefetch));
            queues.add(q);
            Thread t = new Thread(() -> produce(provider, sub, q), "t5j-reader-" + j);
            t.setDaemon(true);
            workers.add(t);
        }
        for (Thread t : workers) t.start();
        // the first position after a split skip belongs to sub-stream (skip mod T)
        int first = splitSkip ? (int) (skip % threads) : 0;
        ExampleIterator it = new ExampleIterator.Lazy() {
            final boolean[] done = new boolean[threads];
            int next = first;
            int live = threads;

            @Override
            protected Example compute() {
                while (live > 0) {
                    int j = next;
                    next = (next + 1) % threads;
                    if (done[j]) continue;
                    Object v = take(queues.get(j));
                    if (v == END) {
                        done[j] = true;
                        live--;
                        continue;
                    }
                    if (v instanceof Failure f) {
                        close();
                        throw f.error();
                    }
                    return (Example) v;
                }
                return null;
            }

            @Override
            public void close() {
                for (Thread t : workers) t.interrupt();
            }
        };
        if (!splitSkip && skip > 0) it.skip(skip);
        return it;
    }

    private static Object take(BlockingQueue<Object> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reading data");
        }
    }

    private static void produce(DatasetProvider provider, ReadOptions o, BlockingQueue<Object> q) {
        try (ExampleIterator it = provider.open(o)) {
            while (it.hasNext()) {
                Example e = it.next();
                while (!q.offer(e, 100, TimeUnit.MILLISECONDS)) if (Thread.currentThread().isInterrupted()) return;
            }
            q.put(END);
        } catch (InterruptedException e) {
            // consumer closed the reader
        } catch (RuntimeException e) {
            try {
                q.put(new Failure(e));
            } catch (InterruptedException ignored) {
                // consumer is gone
            }
        }
    }
}
