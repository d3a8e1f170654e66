package dev.t5j.data;

import dev.t5j.common.UserError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What a trainer reads: batches of encoder-decoder rows from a task or mixture, optionally with several reader
 * threads, and a {@link Packing.Position} after every batch. Saving the position with a checkpoint and passing it back
 * to {@link #open} continues with exactly the batches that would have come next (packing windows included).
 */
public final class TrainingBatches implements Iterator<Batch>, AutoCloseable {
    private final ExampleIterator examples;
    private final EncDecFeatureConverter.Rows rows;
    private final int batchSize;
    private final boolean dropRemainder;
    private final long baseExamples;
    private Batch next;

    private TrainingBatches(ExampleIterator examples, EncDecFeatureConverter.Rows rows, int batchSize,
            boolean dropRemainder, long baseExamples) {
        this.examples = examples;
        this.rows = rows;
        this.batchSize = batchSize;
        this.dropRemainder = dropRemainder;
        this.baseExamples = baseExamples;
    }

    /**
     * Opens the stream at {@code from} (examples counted from the start of the stream that {@code options} describe,
     * without its own skip). {@code readerThreads} > 1 uses {@link ParallelReader}.
     */
    public static TrainingBatches open(DatasetProvider provider, ReadOptions options,
                                       EncDecFeatureConverter converter, int batchSize, boolean dropRemainder,
                                       int readerThreads, int prefetch, Packing.Position from) {
        if (batchSize < 1) throw new UserError("batch size must be positive, got " + batchSize);
        Packing.Position start = from == null ? Packing.Position.START : from;
        ReadOptions o = options.withSkip(start.examples());
        ExampleIterator ex = readerThreads > 1
                ? ParallelReader.open(provider, o, readerThreads, prefetch) : provider.open(o);
        return new TrainingBatches(ex, converter.convert(ex, start.rowsIntoWindow()), batchSize, dropRemainder,
                start.examples());
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        List<EncDecFeatureConverter.Row> l = new ArrayList<>(batchSize);
        while (l.size() < batchSize && rows.hasNext()) l.add(rows.next());
        if (l.isEmpty() || (dropRemainder && l.size() < batchSize)) return false;
        next = Batch.of(l);
        return true;
    }

    @Override
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        Batch b = next;
        next = null;
        return b;
    }

    /** Resume point after the last batch returned by {@link #next()}. */
    public Packing.Position position() {
        if (next != null)
            throw new IllegalStateException("position() after hasNext() prefetched a batch; call it right after " +
                    "next()");
        Packing.Position p = rows.position();
        return new Packing.Position(baseExamples + p.examples(), p.rowsIntoWindow());
    }

    @Override
    public void close() {
        examples.close();
    }
}
