package dev.t5j.atlas.tasks;

import java.nio.file.NoSuchFileException;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * MMLU CSVs → Atlas's multiple-choice lines ({@code preprocessing/prepare_mmlu.py}):
 * {@code {"question","options":{"A","B","C","D"},"answer":"A".."D","dataset":"<file name without .csv>"}}.
 *
 * <p>Two CSV layouts are read (RFC 4180 quoting, a field may span lines): Hendrycks' original (no header, answer a
 * letter) and the one under ../shared/data/mmlu (header {@code question,choice0,choice1,choice2,choice3,answer},
 * answer the 0-based index).
 */
public final class MmluFormat {
    private MmluFormat() {}

    private static final List<String> HEADER = List.of("question", "choice0", "choice1", "choice2", "choice3",
            "answer");

    /** The Atlas lines of one CSV file. */
    public static List<Map<String, Object>> read(Path csv) {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(csv + ": file not found");
        } catch (IOException e) {
            throw new UserError(csv + ": cannot read: " + e.getMessage(), e);
        }
        String name = csv.getFileName().toString().replace(".csv", "");
        List<Map<String, Object>> out = new ArrayList<>();
        List<Row> rows = parseCsv(csv, text);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i == 0 && r.fields.equals(HEADER)) continue;
            if (r.fields.size() != 6) throw UserError.at(csv, r.line, null,
                    "expected 6 CSV fields (question, 4 options, answer), got " + r.fields.size());
            Map<String, Object> ex = new LinkedHashMap<>();
            ex.put("question", r.fields.get(0));
            Map<String, String> options = new LinkedHashMap<>();
            for (int k = 0; k < 4; k++) options.put(String.valueOf((char) ('A' + k)), r.fields.get(1 + k));
            ex.put("options", options);
            ex.put("answer", answerLetter(csv, r.line, r.fields.get(5).strip()));
            ex.put("dataset", name);
            out.add(ex);
        }
        return out;
    }

    private static String answerLetter(Path csv, long line, String a) {
        if (a.matches("[ABCD]")) return a;
        if (a.matches("[0-3]")) return String.valueOf((char) ('A' + Integer.parseInt(a)));
        throw UserError.at(csv, line, "answer", "expected A-D or 0-3, got '" + a + "'");
    }

    /** Every {@code *.csv} under {@code in} (a file or a directory, files sorted by name) as Atlas lines. */
    public static List<Map<String, Object>> readAll(Path in) {
        if (!Files.exists(in)) throw new UserError(in + ": not found");
        if (!Files.isDirectory(in)) return read(in);
        List<Map<String, Object>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(in)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted()
                    .toList()) out.addAll(read(p));
        } catch (IOException e) {
            throw new UserError(in + ": cannot list: " + e.getMessage(), e);
        }
        return out;
    }

    private record Row(long line, List<String> fields) {}

    /** RFC 4180: comma-separated, double-quoted fields may hold commas, newlines and doubled quotes. */
    static List<Row> parseCsv(Path file, String text) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false, any = false;
        long line = 1, rowLine = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') line++;
                    f.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    any = true;
                }
                case ',' -> {
                    fields.add(f.toString());
                    f.setLength(0);
                    any = true;
                }
                case '\r' -> { }
                case '\n' -> {
                    if (any || f.length() > 0) {
                        fields.add(f.toString());
                        rows.add(new Row(rowLine, List.copyOf(fields)));
                    }
                    fields.clear();
                    f.setLength(0);
                    any = false;
                    line++;
                    rowLine = line;
                }
                default -> {
                    f.append(c);
                    any = true;
                }
            }
        }
        if (quoted) throw UserError.at(file, rowLine, null, "unterminated quoted CSV field");
        if (any || f.length() > 0) {
            fields.add(f.toString());
            rows.add(new Row(rowLine, List.copyOf(fields)));
        }
        return rows;
    }
}
