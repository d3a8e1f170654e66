package dev.t5j.decoding;

import dev.t5j.engine.Tensors;
import dev.t5j.model.DecoderCache;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Continuous batching for the encoder-decoder (in the spirit of Orca's iteration-level scheduling, Yu et al. 2022):
 * one worker thread decodes all running sequences one token per step; requests that arrive meanwhile are encoded
 * together and join the batch at the next step, each with its own encoder output (cross-attention is masked to it)
 * and its own self-attention cache slots; a finished, cancelled or late sequence leaves at once.
 *
 * <p>The self-attention caches of the batch are right-aligned: a sequence that joins when the cache holds {@code T}
 * positions gets zero rows for slots {@code 0..T-1}, masked out, and writes its first position at slot {@code T}.
 * T5's decoder position bias depends only on key slot − query slot, which is then each sequence's own relative
 * position, so a sequence decodes as it would alone ({@link Generator}), whatever else is in the batch.
 *
 * <p>Greedy and sampling requests join the running batch; beam search requests ({@code numBeams > 1}) run whole on
 * the worker between two steps with {@link BeamSearch}. The queue is bounded: {@link #submit} refuses when it is full.
 */
public final class ContinuousBatcher implements AutoCloseable {
    /** Why a sequence left the batch. */
    public enum Finish { EOS, LENGTH, CANCELLED, DEADLINE, ERROR }

    /**
     * @param maxBatch      sequences decoded together at most
     * @param queueCapacity requests waiting to join at most (more are refused)
     */
    public record Limits(int maxBatch, int queueCapacity) {
        public Limits {
            if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
            if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1, got "
                    + queueCapacity);
        }
    }

    /** A generated sequence: ids without the decoder start token (EOS included when produced), its log-probability. */
    public record Output(int[] ids, double score, Finish finish) {}

    /** Called by the worker after each step with the number of sequences it decoded and the tokens it produced. */
    public interface StepListener {
        void onStep(int batchSize, int tokens);
    }

    /**
     * Where the worker's time went since it started (for {@code t5j bench serve}): {@code steps} decoding steps over
     * {@code rows} sequence-steps in all, {@code joins} encoder passes for {@code joined} requests; nanoseconds idle
     * (waiting for a request), joining (encoder pass, cache rows), in the decoder step and removing leavers.
     */
    public record Stats(long steps, long rows, long joins, long joined, long idleNs, long joinNs, long stepNs,
            long leaveNs) {
        public Stats plus(Stats o) {
            return new Stats(steps + o.steps, rows + o.rows, joins + o.joins, joined + o.joined, idleNs + o.idleNs,
                    joinNs + o.joinNs, stepNs + o.stepNs, leaveNs + o.leaveNs);
        }

        /** This minus an earlier reading. */
        public Stats minus(Stats o) {
            return new Stats(steps - o.steps, rows - o.rows, joins - o.joins, joined - o.joined, idleNs - o.idleNs,
                    joinNs - o.joinNs, stepNs - o.stepNs, leaveNs - o.leaveNs);
        }
    }

    /** The queue is full: the caller should back off (HTTP 429). */
    public static final class QueueFullException extends RuntimeException {
        QueueFullException(int capacity) {
            super("the queue is full (" + capacity + " requests waiting); retry later");
        }
    }

    /** One submitted request; {@link #cancel} makes it leave the batch at the next step. */
    public static final class Request {
        final int[] input;
        final GenerationConfig cfg;
        final long deadlineNanos;
        final IntConsumer onToken;
        final CompletableFuture<Output> result = new CompletableFuture<>();
        volatile boolean cancelled;

        Request(int[] input, GenerationConfig cfg, long deadlineNanos, IntConsumer onToken) {
            this.input = input;
            this.cfg = cfg;
            this.deadlineNanos = deadlineNanos;
            this.onToken = onToken;
        }

        public void cancel() {
            cancelled = true;
        }

        public CompletableFuture<Output> result() {
            return result;
        }
    }

    /** A sequence in the running batch. */
    private static final class Row {
        final Request req;
        final Sampler sampler;
        final int[] out;
        int len;
        double score;
        long last;
        int start; // first cache slot of this sequence; earlier slots are padding
        Tensor enc; // [1, S, d], kept

        Row(Request req, int decoderStart, int start) {
            this.req = req;
            GenerationConfig c = req.cfg;
            this.sampler = c.doSample() ? new Sampler(c.temperature(), c.topK(), c.topP(), c.seed()) : null;
            this.out = new int[c.maxNewTokens()];
            this.last = decoderStart;
            this.start = start;
        }
    }

    private final T5ForConditionalGeneration model;
    private final Limits limits;
    private final StepListener listener;
    private final BlockingQueue<Request> queue;
    private final Thread worker;
    private final List<Row> rows = new ArrayList<>();
    private volatile boolean closed;
    private volatile int running;
    private DecoderCache cache;
    private Tensor enc; // [B, Smax, d] of the rows, kept
    private Tensor encMask; // [B, Smax], kept
    private volatile Stats stats = new Stats(0, 0, 0, 0, 0, 0, 0, 0);
    private long idleNs;
    private long joinNs;
    private long stepNs;
    private long leaveNs;
    private long steps;
    private long rowSteps;
    private long joins;
    private long joined;

    public ContinuousBatcher(T5ForConditionalGeneration model, Limits limits, StepListener listener) {
        this.model = model;
        this.limits = limits;
        this.listener = listener == null ? (b, t) -> { } : listener;
        this.queue = new ArrayBlockingQueue<>(limits.queueCapacity());
        model.train(false);
        worker = new Thread(this::loop, "t5j-decode");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues {@code input} (ids, EOS included as the caller encodes it) for decoding; {@code onToken} (may be null)
     * gets each generated id on the worker thread and must not block. {@code deadlineNanos} is a
     * {@link System#nanoTime} value, or 0 for none.
     *
     * @throws QueueFullException when {@link Limits#queueCapacity} requests are already waiting
     */
    public Request submit(int[] input, GenerationConfig cfg, long deadlineNanos, IntConsumer onToken) {
        if (input.length == 0) throw new IllegalArgumentException("an input has no tokens");
        if (closed) throw new IllegalStateException("the batcher is closed");
        Request r = new Request(input.clone(), cfg, deadlineNanos, onToken);
        if (!queue.offer(r)) throw new QueueFullException(limits.queueCapacity());
        return r;
    }

    /** Requests waiting to join. */
    public int queueDepth() {
        return queue.size();
    }

    /** Sequences in the running batch. */
    public int running() {
        return running;
    }

    /** The worker's counters, as of its last step. */
    public Stats stats() {
        return stats;
    }

    private void loop() {
        try (NoGradGuard ng = new NoGradGuard()) {
            while (!closed) {
                try {
                    long t0 = System.nanoTime();
                    List<Request> joining = admit();
                    idleNs += System.nanoTime() - t0;
                    if (!rows.isEmpty() || !joining.isEmpty()) step(joining);
                    // published after idle polls too, so a reader's interval gets the idle time it contained
                    stats = new Stats(steps, rowSteps, joins, joined, idleNs, joinNs, stepNs, leaveNs);
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException | Error e) {
                    failAll(e); // a native failure must not leave clients waiting forever
                }
            }
        } finally {
            failAll(new IllegalStateException("the server is shutting down"));
            for (Request r; (r = queue.poll()) != null; )
                r.result.completeExceptionally(new IllegalStateException("closed"));
        }
    }

    /** New requests for free batch slots; waits for one when the batch is idle. Beam requests run here whole. */
    private List<Request> admit() throws InterruptedException {
        List<Request> in = new ArrayList<>();
        if (rows.isEmpty()) {
            Request first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) return in;
            in.add(first);
        }
        queue.drainTo(in, Math.max(0, limits.maxBatch() - rows.size() - in.size()));
        List<Request> joining = new ArrayList<>();
        for (Request r : in) {
            Finish early = r.cancelled ? Finish.CANCELLED : late(r) ? Finish.DEADLINE : null;
            if (early != null) r.result.complete(new Output(new int[0], 0, early));
            else if (r.cfg.numBeams() > 1) runBeams(r);
            else joining.add(r);
        }
        return joining;
    }

    private static boolean late(Request r) {
        return r.deadlineNanos != 0 && System.nanoTime() - r.deadlineNanos > 0;
    }

    private void runBeams(Request r) {
        try (PointerScope s = new PointerScope()) {
            Generator.Result g = new Generator(model).generate(new int[][] {r.input}, r.cfg);
            int[] ids = g.sequences()[0];
            if (r.onToken != null) for (int id : ids) r.onToken.accept(id);
            boolean eos = ids.length > 0 && ids[ids.length - 1] == model.config().eosTokenId();
            r.result.complete(new Output(ids, g.scores()[0], eos ? Finish.EOS : Finish.LENGTH));
            listener.onStep(1, ids.length);
        } catch (RuntimeException e) {
            r.result.completeExceptionally(e);
        }
    }

    /** One decoding step of the batch, after the joining requests were encoded and added. */
    private void step(List<Request> joining) {
        long t0 = System.nanoTime();
        boolean changed = false;
        if (!joining.isEmpty()) {
            changed = join(joining);
            joins++;
            joined += joining.size();
        }
        long t1 = System.nanoTime();
        joinNs += t1 - t0;
        if (removeLeavers(false)) changed = true;
        if (rows.isEmpty()) {
            reset();
            return;
        }
        if (changed) rebuildEncoderBatch();
        long t2 = System.nanoTime();
        leaveNs += t2 - t1;
        int batch = rows.size();
        int past = cache.length();
        int eos = model.config().eosTokenId();
        boolean[] eosBlocked = new boolean[batch];
        int sampling = 0;
        for (int b = 0; b < batch; b++) {
            Row row = rows.get(b);
            eosBlocked[b] = row.len < row.req.cfg.minNewTokens();
            if (row.sampler != null) sampling++;
        }
        float[] sampledLogits = null; // the sampling rows' logits, in row order
        GreedyPick.Picks picks = null; // greedy rows: chosen in libtorch, only ids and scores cross to Java
        int vocab;
        try (PointerScope s = new PointerScope()) {
            long[] cur = new long[batch];
            float[] mask = new float[batch * (past + 1)];
            for (int b = 0; b < batch; b++) {
                Row row = rows.get(b);
                cur[b] = row.last;
                for (int j = row.start; j <= past; j++) mask[b * (past + 1) + j] = 1f;
            }
            Tensor decMask = Tensors.floats(mask, batch, past + 1);
            Tensor h = model.decode(Tensors.longs(cur, batch, 1), enc, encMask, decMask, cache);
            Tensor l = model.logits(h).select(1, 0); // [B, V]
            vocab = (int) l.size(1);
            if (sampling > 0) { // copied before the greedy pick forbids EOS in place
                long[] at = new long[sampling];
                for (int b = 0, i = 0; b < batch; b++) if (rows.get(b).sampler != null) at[i++] = b;
                sampledLogits = Tensors.toFloats(sampling == batch ? l
                        : l.index_select(0, Tensors.longs(at, sampling)));
            }
            if (sampling < batch) picks = GreedyPick.pick(l, eosBlocked, eos);
        }
        for (int b = 0, sampled = 0; b < batch; b++) {
            Row row = rows.get(b);
            int tok;
            if (row.sampler != null) {
                float[] v = Arrays.copyOfRange(sampledLogits, sampled * vocab, (sampled + 1) * vocab);
                sampled++;
                if (eosBlocked[b]) v[eos] = Float.NEGATIVE_INFINITY;
                tok = row.sampler.sample(v);
                row.score += v[tok] - Generator.logSumExp(v);
            } else {
                tok = (int) picks.ids()[b];
                row.score += picks.logProbs()[b];
            }
            row.out[row.len++] = tok;
            row.last = tok;
            if (row.req.onToken != null) {
                try {
                    row.req.onToken.accept(tok);
                } catch (RuntimeException e) {
                    row.req.cancel(); // the client is gone: stop decoding for it
                }
            }
        }
        listener.onStep(batch, batch);
        steps++;
        rowSteps += batch;
        long t3 = System.nanoTime();
        stepNs += t3 - t2;
        removeLeavers(true);
        if (rows.isEmpty()) {
            reset();
            leaveNs += System.nanoTime() - t3;
            return;
        }
        int minStart = Integer.MAX_VALUE;
        for (Row r : rows) minStart = Math.min(minStart, r.start);
        if (minStart > 0) { // slots that are padding for every row: drop them so the cache stays as short as it can
            cache.dropFront(minStart);
            for (Row r : rows) r.start -= minStart;
        }
        leaveNs += System.nanoTime() - t3;
    }

    /**
     * Encodes the joining inputs in one batch; each row keeps its own (unpadded) encoder output. Returns whether the
     * encoder batch must be rebuilt (false when the joiners were appended to the running batch's caches).
     */
    private boolean join(List<Request> joining) {
        int[][] ids = new int[joining.size()][];
        for (int i = 0; i < ids.length; i++) ids[i] = joining.get(i).input;
        if (cache == null) cache = model.newCache();
        int slot = cache.length();
        try (PointerScope s = new PointerScope()) {
            Tensor mask = Tensors.lengthMask(ids);
            Tensor e = model.encode(Tensors.longs(ids, model.config().padTokenId()), mask);
            for (int i = 0; i < ids.length; i++) {
                Row row = new Row(joining.get(i), model.config().decoderStartTokenId(), slot);
                row.enc = Tensors.keep(e.narrow(0, i, 1).narrow(1, 0, ids[i].length).clone());
                rows.add(row);
            }
            if (enc != null && cache.hasCross() && enc.size(0) == rows.size() - ids.length) {
                // the running rows keep their cross-attention keys; only the joiners' are computed
                cache.joinRows(model, e);
                long len = cache.crossLength();
                Tensor newEnc = Tensors.keep(torch.cat(new TensorVector(DecoderCache.pad(enc, 1, len),
                        DecoderCache.pad(e, 1, len)), 0));
                Tensor newMask = Tensors.keep(torch.cat(new TensorVector(DecoderCache.pad(encMask, 1, len),
                        DecoderCache.pad(mask, 1, len)), 0));
                Tensors.free(enc);
                Tensors.free(encMask);
                enc = newEnc;
                encMask = newMask;
                running = rows.size();
                return false;
            }
        }
        cache.padRows(ids.length);
        return true;
    }

    /**
     * Removes finished (when {@code afterStep}), cancelled and late rows, completing their results, and drops their
     * cache rows. Returns whether any left.
     */
    private boolean removeLeavers(boolean afterStep) {
        int eos = model.config().eosTokenId();
        int before = rows.size();
        List<Long> keep = new ArrayList<>();
        List<Row> kept = new ArrayList<>();
        List<Runnable> done = new ArrayList<>();
        for (int b = 0; b < rows.size(); b++) {
            Row r = rows.get(b);
            Finish f = null;
            if (r.req.cancelled) f = Finish.CANCELLED;
            else if (afterStep && r.len > 0 && r.out[r.len - 1] == eos) f = Finish.EOS;
            else if (afterStep && r.len == r.out.length) f = Finish.LENGTH;
            else if (late(r.req)) f = Finish.DEADLINE;
            if (f == null) {
                keep.add((long) b);
                kept.add(r);
            } else {
                Output o = new Output(Arrays.copyOf(r.out, r.len), r.score, f);
                done.add(() -> r.req.result.complete(o));
                Tensors.free(r.enc);
            }
        }
        if (kept.size() == rows.size()) return false;
        rows.clear();
        rows.addAll(kept);
        running = rows.size();
        for (Runnable d : done) d.run(); // after running() counts them out, so a caller never sees them in it
        if (!kept.isEmpty() && cache != null && cache.length() > 0 && enc != null
                && enc.size(0) == before) {
            // the rest stay: select their rows of the caches and of the encoder batch instead of recomputing them
            try (PointerScope s = new PointerScope()) {
                long[] idx = keep.stream().mapToLong(Long::longValue).toArray();
                Tensor index = Tensors.longs(idx, idx.length);
                cache.keepRows(index);
                Tensor e = Tensors.keep(enc.index_select(0, index));
                Tensor m = Tensors.keep(encMask.index_select(0, index));
                Tensors.free(enc);
                Tensors.free(encMask);
                enc = e;
                encMask = m;
            }
        } else if (!kept.isEmpty() && cache != null && cache.length() > 0) {
            try (PointerScope s = new PointerScope()) {
                long[] idx = keep.stream().mapToLong(Long::longValue).toArray();
                cache.reorder(Tensors.longs(idx, idx.length));
            }
            rebuildEncoderBatch();
        }
        return true;
    }

    /** Pads the rows' encoder outputs to the longest into one [B, Smax, d] batch with its mask. */
    private void rebuildEncoderBatch() {
        running = rows.size();
        Tensors.free(enc);
        Tensors.free(encMask);
        enc = encMask = null;
        if (cache != null) cache.clearCross();
        if (rows.isEmpty()) return;
        int smax = 0;
        for (Row r : rows) smax = Math.max(smax, (int) r.enc.size(1));
        int[][] lengths = new int[rows.size()][];
        try (PointerScope s = new PointerScope()) {
            Tensor first = rows.get(0).enc;
            Tensor out = torch.zeros_like(first.narrow(1, 0, 1)).repeat(rows.size(), smax, 1);
            for (int b = 0; b < rows.size(); b++) {
                Tensor e = rows.get(b).enc;
                out.narrow(0, b, 1).narrow(1, 0, e.size(1)).copy_(e);
                lengths[b] = new int[(int) e.size(1)];
            }
            enc = Tensors.keep(out);
            encMask = Tensors.keep(Tensors.lengthMask(lengths));
        }
    }

    private void reset() {
        running = 0;
        if (cache != null) cache.close();
        cache = null;
        Tensors.free(enc);
        Tensors.free(encMask);
        enc = encMask = null;
    }

    private void failAll(Throwable e) {
        for (Row r : rows) {
            r.req.result.completeExceptionally(e);
            Tensors.free(r.enc);
        }
        rows.clear();
        reset();
    }

    /** Stops the worker; waiting and running requests fail. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
