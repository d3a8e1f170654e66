package dev.t5j.run;

import java.util.Arrays;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's metrics as JSON lines in {@code <runDir>/metrics.jsonl}: one object per {@link #log} call, e.g.
 * {@code {"step":100,"loss":2.31,"lr":0.001,"grad_norm":0.8,"tokens_per_sec":5120}} or
 * {@code {"step":500,"eval/reverse/accuracy":0.93}}.
 *
 * <p>Unlike every other t5j file this one is appended to in place (a log that is rewritten on every step would
 * cost O(steps²)); each record is written as one complete line and flushed, so a killed run leaves at most a
 * partial last line, which {@link #read} ignores and reopening the log cuts off. On resume from a checkpoint,
 * {@link #resume} first drops the records logged after that checkpoint, so lines are not duplicated.
 *
 * <p>Values are numbers (also strings, booleans or null); NaN and infinities, which JSON cannot hold, are written as
 * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} and read back as doubles. Integral numbers read
 * back as {@link Long}, others as {@link Double}.
 */
public final class MetricsLog implements Closeable {
    public static final String FILE_NAME = "metrics.jsonl";

    private final Path file;
    private final OutputStream out;

    /**
     * Opens {@code <runDir>/metrics.jsonl} for appending, creating it if needed and cutting off a partial last line.
     */
    public MetricsLog(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        this.file = runDir.resolve(FILE_NAME);
        dropPartialTail(file);
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    /** Opens the log of a run resumed from the checkpoint at {@code step}: records after that step are dropped. */
    public static MetricsLog resume(Path runDir, long step) throws IOException {
        Path f = runDir.resolve(FILE_NAME);
        if (Files.exists(f)) truncateAfterStep(f, step);
        return new MetricsLog(runDir);
    }

    public Path file() {
        return file;
    }

    /** Appends one record as a single line and flushes it to the operating system. */
    public synchronized void log(Map<String, ?> record) throws IOException {
        Map<String, Object> clean = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : record.entrySet()) {
            if (e.getKey() == null) throw new IllegalArgumentException("metric record has a null key: " + record);
            clean.put(e.getKey(), toJsonValue(e.getKey(), e.getValue()));
        }
        byte[] line = (Json.write(clean) + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(line); // one write call per record: a crash leaves whole lines plus at most one partial one
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private static Object toJsonValue(String key, Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) return v;
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) return "NaN";
            if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
            return v;
        }
        if (v instanceof Number) return v;
        throw new IllegalArgumentException("metric '" + key + "' must be a number, string, boolean or null, not "
                + v.getClass().getName());
    }

    /** Reads every record back in order. A partial last line (the run was killed mid-write) is ignored. */
    public static List<Map<String, Object>> read(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Line l : lines(file)) out.add(l.record);
        return out;
    }

    /**
     * Rewrites the file (atomically) keeping only the records with {@code step <= step}, and records without a step
     * that come before the first dropped one; the kept lines are copied byte for byte.
     */
    public static void truncateAfterStep(Path file, long step) throws IOException {
        StringBuilder kept = new StringBuilder();
        for (Line l : lines(file)) {
            Object s = l.record.get("step");
            if (s != null && !(s instanceof Number))
                throw UserError.at(file, l.number, "step", "expected a number, got " + Json.write(s));
            if (s != null && ((Number) s).doubleValue() > step) break;
            kept.append(l.text).append('\n');
        }
        AtomicFiles.writeString(file, kept.toString());
    }

    /** A numeric field of a record as a double: NaN when absent or not a number. */
    public static double number(Map<String, Object> record, String key) {
        return record.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private record Line(long number, String text, Map<String, Object> record) {}

    private static List<Line> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean complete = text.isEmpty() || text.endsWith("\n");
        String[] parts = text.split("\n", -1);
        int n = complete ? parts.length - 1 : parts.length; // with a final newline the last part is empty
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = parts[i].endsWith("\r") ? parts[i].substring(0, parts[i].length() - 1) : parts[i];
            if (t.isBlank()) continue;
            boolean partialTail = !complete && i == n - 1;
            JsonNode node;
            try {
                node = Json.readLine(file, i + 1, t);
            } catch (UserError e) {
                if (partialTail) break; // killed mid-write: the record was never finished
                throw e;
            }
            if (node == null || !node.isObject()) {
                if (partialTail) break;
                throw UserError.at(file, i + 1, null, "expected a JSON object per line, got: " + abbreviate(t));
            }
            out.add(new Line(i + 1, t, toRecord(file, i + 1, node)));
        }
        return out;
    }

    private static Map<String, Object> toRecord(Path file, long line, JsonNode node) {
        Map<String, Object> rec = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value;
            if (v.isNull()) value = null;
            else if (v.isIntegralNumber() && v.canConvertToLong()) value = v.longValue();
            else if (v.isNumber()) value = v.doubleValue();
            else if (v.isBoolean()) value = v.booleanValue();
            else if (v.isTextual()) {
                value = switch (v.textValue()) {
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> v.textValue();
                };
            } else {
                throw UserError.at(file, line, e.getKey(), "expected a number, string, boolean or null, got "
                        + v.getNodeType());
            }
            rec.put(e.getKey(), value);
        }
        return rec;
    }

    /** Cuts a partial last line (no trailing newline) so that appended records start on a line of their own. */
    private static void dropPartialTail(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) return;
        byte[] bytes = Files.readAllBytes(file);
        if (bytes[bytes.length - 1] == '\n') return;
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') end--;
        String tail = new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8).strip();
        boolean whole;
        try {
            whole = Json.MAPPER.readTree(tail) instanceof ObjectNode;
        } catch (IOException e) {
            whole = false;
        }
        // A complete record that only lacks its newline (e.g. edited by hand) is kept; a torn one is cut.
        byte[] keep = whole ? Arrays.copyOf(bytes, bytes.length + 1) : Arrays.copyOf(bytes, end);
        if (whole) keep[bytes.length] = '\n';
        AtomicFiles.writeBytes(file, keep);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
