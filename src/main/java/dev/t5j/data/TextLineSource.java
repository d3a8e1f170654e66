package dev.t5j.data;

import java.util.Map;
import java.nio.file.Path;

/** Plain text, one example per non-blank line, in field {@code field} (default {@code text}). */
public final class TextLineSource extends LineSource {
    private final String field;

    public TextLineSource(FileSplits files, String field, int skipHeaderLines) {
        super(files, skipHeaderLines, true);
        this.field = field == null ? "text" : field;
    }

    @Override
    protected Example parse(Path file, long lineNo, String line) {
        return Example.of(Map.of(field, line), new Example.Origin(file, lineNo));
    }

    @Override
    public String describe() {
        return "text " + files.describe();
    }
}
