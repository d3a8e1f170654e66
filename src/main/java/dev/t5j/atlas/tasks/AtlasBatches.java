package dev.t5j.atlas.tasks;

import dev.t5j.common.UserError;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The endless training stream of Atlas batches: each epoch processes every line (task randomness such as mlm noise
 * drawn from the stream's generator), shuffles and cuts full batches. Its {@link Position} (the generator's state at
 * the start of the current epoch and the batches taken from it) restores the stream exactly without replaying the
 * steps before it: the epoch is rebuilt from that state and the taken batches are skipped.
 */
public final class AtlasBatches implements Iterator<List<AtlasExample>> {
    /** Where the stream is: the generator state when the current epoch was drawn, and batches taken from it. */
    public record Position(long epochState, int batchesIntoEpoch) {}

    private final AtlasTask task;
    private final List<AtlasData.Line> lines;
    private final List<Path> files;
    private final int rank, batchSize;
    private final boolean shuffle;
    private final StatefulRandom rng;
    private Iterator<List<AtlasExample>> epoch = Collections.emptyIterator();
    private long epochState;
    private int taken;

    AtlasBatches(AtlasTask task, List<Path> files, int rank, int world, int batchSize, boolean shuffle, long seed) {
        this.task = task;
        this.files = files;
        this.rank = rank;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.lines = AtlasData.readShard(files, rank, world, true);
        this.rng = new StatefulRandom(seed);
        this.epochState = rng.state();
    }

    /** The position after the batches returned so far. */
    public Position position() {
        return new Position(epochState, taken);
    }

    /** Continues at {@code p}, a position of a stream over the same files, task and seed. */
    public void seek(Position p) {
        rng.setState(p.epochState());
        epoch = Collections.emptyIterator();
        startEpoch();
        for (int i = 0; i < p.batchesIntoEpoch(); i++) {
            if (!epoch.hasNext()) throw new UserError("data position " + p + " is past the end of its epoch");
            epoch.next();
        }
        taken = p.batchesIntoEpoch();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public List<AtlasExample> next() {
        if (!epoch.hasNext()) startEpoch();
        if (!epoch.hasNext()) throw new NoSuchElementException();
        taken++;
        return epoch.next();
    }

    private void startEpoch() {
        epochState = rng.state();
        taken = 0;
        List<AtlasExample> examples = AtlasData.process(task, lines, false, rng);
        if (shuffle) examples = AtlasData.shuffle(examples, rng);
        List<List<AtlasExample>> bs = AtlasData.batches(examples, batchSize, true);
        if (bs.isEmpty()) {
            throw new UserError(String.join(", ", files.stream().map(Path::toString).toList()) + ": " + examples.size()
                    + " usable examples for rank " + rank + ", fewer than one batch of " + batchSize);
        }
        epoch = bs.iterator();
    }

    /**
     * {@link Random} with a readable and settable state: the same linear congruential generator as
     * java.util.Random (its Javadoc specifies it), so a stream seeded with {@code seed} draws exactly what
     * {@code new Random(seed)} draws.
     */
    static final class StatefulRandom extends Random {
        private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
        private long state;

        StatefulRandom(long seed) {
            super(seed);
        }

        @Override
        public synchronized void setSeed(long seed) {
            super.setSeed(seed); // also clears the cached nextGaussian
            state = (seed ^ MULTIPLIER) & MASK;
        }

        long state() {
            return state;
        }

        void setState(long s) {
            super.setSeed(0); // clears the cached nextGaussian
            state = s & MASK;
        }

        @Override
        protected int next(int bits) {
            state = (state * MULTIPLIER + ADDEND) & MASK;
            return (int) (state >>> (48 - bits));
        }
    }
}
