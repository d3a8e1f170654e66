package dev.t5j.data;

import dev.t5j.common.UserError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Tab-separated lines with named columns. A line with the wrong number of columns is bad input (named by file, line
 * and the first missing/extra column). {@code skipHeaderLines} skips e.g. a header row.
 */
public final class TsvSource extends LineSource {
    private final List<String> fieldNames;

    public TsvSource(FileSplits files, List<String> fieldNames, int skipHeaderLines) {
        super(files, skipHeaderLines, true);
        if (fieldNames.isEmpty()) throw new UserError("tsv source needs field names");
        this.fieldNames = List.copyOf(fieldNames);
    }

    @Override
    protected Example parse(Path file, long lineNo, String line) {
        String[] cols = line.split("\t", -1);
        Example.Origin origin = new Example.Origin(file, lineNo);
        if (cols.length < fieldNames.size())
            throw new BadExampleError(origin, fieldNames.get(cols.length),
                    "missing: expected " + fieldNames.size() + " tab-separated columns " + fieldNames + ", got "
                            + cols.length);
        if (cols.length > fieldNames.size())
            throw new BadExampleError(origin, null,
                    "expected " + fieldNames.size() + " tab-separated columns " + fieldNames + ", got " + cols.length);
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < cols.length; i++) m.put(fieldNames.get(i), cols[i]);
        return Example.of(m, origin);
    }

    @Override
    public String describe() {
        return "tsv " + fieldNames + " " + files.describe();
    }
}
