package dev.t5j.retrieval;

import java.nio.ByteBuffer;
import java.nio.charset.MalformedInputException;
import java.util.HexFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a passage corpus into memory, as Atlas's {@code load_passages} does: jsonl lines {@code {"id","title","text"
 * [,"section"]}}, a non-empty {@code section} merged into the title as {@code "title: section"}, other fields kept in
 * {@link Passage#extra()}. Unlike Atlas a bad line is never skipped: it is a {@link UserError} naming file, line and
 * field.
 *
 * <p>{@code id} may be a JSON string or an integer (kept as its decimal text, Atlas compares ids as strings);
 * {@code text}, {@code title} and {@code section} must be strings. Ids must be unique across all files: the index
 * returns passages by id and filtering drops hits by id.
 */
public final class Passages {
    /** Fields the loader interprets; every other field goes to {@link Passage#extra()}. */
    public static final List<String> RESERVED = List.of("id", "title", "text", "section");

    private Passages() {}

    /** All passages of the files, in order. */
    public static List<Passage> load(List<Path> files) {
        return load(files, 0);
    }

    /**
     * The first {@code maxPassages} passages of the files (all when {@code maxPassages <= 0}), as Atlas's
     * --max_passages.
     */
    public static List<Passage> load(List<Path> files, int maxPassages) {
        if (files.isEmpty()) throw new UserError("no passage file given");
        List<Passage> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>(); // id -> "file:line" of its first occurrence
        for (Path file : files) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                long lineNo = 0;
                while ((line = r.readLine()) != null) {
                    lineNo++;
                    if (maxPassages > 0 && out.size() >= maxPassages) return out;
                    if (line.isBlank()) continue;
                    Passage p = parse(file, lineNo, line);
                    String where = file + ":" + lineNo;
                    String first = seen.putIfAbsent(p.id(), where);
                    if (first != null)
                        throw UserError.at(file, lineNo, "id", "duplicate passage id '" + p.id() + "' (first at "
                                + first + ")");
                    out.add(p);
                }
            } catch (NoSuchFileException e) {
                throw new UserError(file + ": file not found");
            } catch (MalformedInputException e) {
                throw new UserError(file + ": not UTF-8 text");
            } catch (IOException e) {
                throw new UserError(file + ": cannot read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Parses one jsonl line ({@code lineNo} 1-based, for messages). */
    public static Passage parse(Path file, long lineNo, String line) {
        JsonNode node = Json.readLine(file, lineNo, line);
        if (node == null || !node.isObject()) throw UserError.at(file, lineNo, null, "expected a JSON object");
        String id = id(file, lineNo, node.get("id"));
        String text = string(file, lineNo, node, "text", true);
        String title = string(file, lineNo, node, "title", false);
        String section = string(file, lineNo, node, "section", false);
        if (title == null) title = "";
        if (section != null && !section.isEmpty()) title = title + ": " + section;
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!RESERVED.contains(e.getKey())) extra.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(),
                    Object.class));
        }
        return new Passage(id, title, text, extra);
    }

    private static String id(Path file, long lineNo, JsonNode v) {
        if (v == null || v.isNull()) throw UserError.at(file, lineNo, "id", "missing");
        if (v.isTextual()) {
            if (v.textValue().isEmpty()) throw UserError.at(file, lineNo, "id", "empty");
            return v.textValue();
        }
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        throw UserError.at(file, lineNo, "id", "expected a string or an integer, got "
                + v.getNodeType().name().toLowerCase());
    }

    private static String string(Path file, long lineNo, JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw UserError.at(file, lineNo, field, "missing");
            return null;
        }
        if (!v.isTextual()) throw UserError.at(file, lineNo, field, "expected a string, got "
                + v.getNodeType().name().toLowerCase());
        return v.textValue();
    }

    /** One jsonl line for {@code p} ({@code id}, merged {@code title}, {@code text}, then the extra fields). */
    public static String toJsonLine(Passage p) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", p.id());
        o.put("title", p.title());
        o.put("text", p.text());
        for (var e : p.extra().entrySet()) {
            if (!RESERVED.contains(e.getKey())) o.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
        }
        return Json.write(o);
    }

    /** Writes passages as jsonl that {@link #load} reads back to equal passages. */
    public static void write(Writer w, List<Passage> passages) throws IOException {
        for (Passage p : passages) {
            w.write(toJsonLine(p));
            w.write('\n');
        }
    }

    /**
     * SHA-256 (hex) of the corpus content: every passage's id, title and text in order, length-prefixed so that no two
     * different corpora hash alike by shifting text between fields. Extra fields do not count: they do not change
     * what the retriever embeds.
     */
    public static String checksum(List<Passage> passages) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer len = ByteBuffer.allocate(4);
        for (Passage p : passages) {
            for (String s : new String[] {p.id(), p.title(), p.text()}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                len.clear();
                len.putInt(b.length);
                md.update(len.array());
                md.update(b);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
