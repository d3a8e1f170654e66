package dev.t5j.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** An iterator of examples that may hold files open; always close it (try-with-resources). */
public interface ExampleIterator extends Iterator<Example>, AutoCloseable {
    @Override
    default void close() {}

    static ExampleIterator of(Iterator<Example> it) {
        if (it instanceof ExampleIterator e) return e;
        return new ExampleIterator() {
            public boolean hasNext() { return it.hasNext(); }
            public Example next() { return it.next(); }
        };
    }

    static ExampleIterator of(List<Example> list) {
        return of(list.iterator());
    }

    static ExampleIterator empty() {
        return of(List.<Example>of().iterator());
    }

    /** Wraps {@code inner} with a different element stream but the same close action. */
    static ExampleIterator wrap(Iterator<Example> it, AutoCloseable closer) {
        return new ExampleIterator() {
            public boolean hasNext() { return it.hasNext(); }
            public Example next() { return it.next(); }
            public void close() {
                try {
                    closer.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Skips up to {@code n} examples; returns how many were skipped. */
    default long skip(long n) {
        long k = 0;
        while (k < n && hasNext()) {
            next();
            k++;
        }
        return k;
    }

    default ExampleIterator map(Function<Example, Example> f) {
        ExampleIterator self = this;
        return wrap(new Iterator<>() {
            public boolean hasNext() { return self.hasNext(); }
            public Example next() { return f.apply(self.next()); }
        }, self);
    }

    /**
     * Base for iterators that compute the next element lazily: implement {@link #compute()} returning null at the end.
     */
    abstract class Lazy implements ExampleIterator {
        private Example next;
        private boolean done;

        protected abstract Example compute();

        @Override
        public final boolean hasNext() {
            if (next != null) return true;
            if (done) return false;
            next = compute();
            if (next == null) done = true;
            return next != null;
        }

        @Override
        public final Example next() {
            if (!hasNext()) throw new NoSuchElementException();
            Example e = next;
            next = null;
            return e;
        }
    }
}
