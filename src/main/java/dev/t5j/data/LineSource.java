package dev.t5j.data;

import dev.t5j.common.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Base for sources with one example per line (jsonl, tsv, text). Lines are numbered per file (1-based) for error
 * messages; sharding is round-robin over the split's example positions, and lines of other shards are not parsed.
 */
public abstract class LineSource implements FileBackedSource {
    protected final FileSplits files;
    private final int skipHeaderLines;
    private final boolean skipBlank;

    protected LineSource(FileSplits files, int skipHeaderLines, boolean skipBlank) {
        this.files = files;
        this.skipHeaderLines = skipHeaderLines;
        this.skipBlank = skipBlank;
    }

    /** Parses one line (never blank when skipBlank). Throw {@link BadExampleError} for malformed lines. */
    protected abstract Example parse(Path file, long lineNo, String line);

    @Override
    public FileSplits fileSplits() {
        return files;
    }

    @Override
    public OptionalLong numExamples(String split) {
        long n = 0;
        try (ExampleIterator it = rawLines(split, Shard.ALL, null)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return OptionalLong.of(n);
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        return rawLines(split, shard, badLines == null ? BadLines.stop() : badLines);
    }

    /** With badLines == null only counts lines (no parsing). */
    private ExampleIterator rawLines(String split, Shard shard, BadLines badLines) {
        List<Path> paths = files.resolve(split);
        return new ExampleIterator.Lazy() {
            int fileIdx = -1;
            BufferedReader reader;
            Path file;
            long lineNo;
            long position; // index among example lines of the split, across files

            @Override
            protected Example compute() {
                try {
                    while (true) {
                        if (reader == null) {
                            if (++fileIdx >= paths.size()) return null;
                            file = paths.get(fileIdx);
                            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                            lineNo = 0;
                        }
                        String line = reader.readLine();
                        if (line == null) {
                            reader.close();
                            reader = null;
                            continue;
                        }
                        lineNo++;
                        if (lineNo <= skipHeaderLines) continue;
                        if (skipBlank && line.isBlank()) continue;
                        long pos = position++;
                        if (!shard.owns(pos)) continue;
                        if (badLines == null) return COUNT_ONLY;
                        try {
                            return parse(file, lineNo, line);
                        } catch (BadExampleError e) {
                            badLines.handle(e);
                        }
                    }
                } catch (IOException e) {
                    throw new UserError(file + ": cannot read: " + e.getMessage(), e);
                } catch (UncheckedIOException e) {
                    throw new UserError(file + ":" + lineNo + ": cannot read (is it UTF-8 text?): "
                            + e.getCause().getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    if (reader != null) reader.close();
                } catch (IOException ignored) {
                    // closing a reader we only read from
                }
                reader = null;
                fileIdx = paths.size();
            }
        };
    }

    private static final Example COUNT_ONLY = Example.of();
}
