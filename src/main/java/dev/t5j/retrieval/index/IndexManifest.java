package dev.t5j.retrieval.index;

import java.io.IOException;
import java.util.Collections;
import java.util.Properties;
import dev.t5j.retrieval.Embedder;
import dev.t5j.retrieval.Passages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a saved index: what it holds and what produced it. Written last into the index directory
 * (the directory itself appears atomically), read first on load; the format is in docs/retrieval.md ("Index format").
 *
 * @param formatVersion      {@link #FORMAT_VERSION} when written; a newer one is refused
 * @param type               {@link #TYPE_FLAT} or {@link #TYPE_HNSW}
 * @param count              passages (= embedding rows)
 * @param dim                embedding size
 * @param dtype              storage of the flat embeddings (HNSW: always fp32)
 * @param passagesFile       jsonl of the passages, row order, relative to the index directory
 * @param passagesSha256     SHA-256 of that file's bytes (corruption check)
 * @param corpusChecksum     {@link Passages#checksum} of the passages (what corpus this is)
 * @param encoderFingerprint {@link Embedder#fingerprint()} of the passage encoder
 * @param created            ISO-8601 instant
 * @param t5jVersion         version of t5j that wrote it ("unknown" when not run from a packaged jar)
 * @param shards             the saved parts in row order: embedding files (flat) or Lucene directories (HNSW)
 * @param params             type-specific settings (HNSW: m, beam_width)
 */
public record IndexManifest(int formatVersion, String type, int count, int dim, IndexDtype dtype, String passagesFile,
                            String passagesSha256, String corpusChecksum, String encoderFingerprint, String created,
                            String t5jVersion, List<Part> shards, Map<String, Object> params) {
    public static final String FILE = "manifest.json";
    public static final String FORMAT = "t5j-passage-index";
    public static final int FORMAT_VERSION = 1;
    public static final String TYPE_FLAT = "flat";
    public static final String TYPE_HNSW = "hnsw";

    /**
     * One saved part: rows {@code [first, first + rows)}.
     *
     * @param crc32c CRC-32C (hex) of an embedding file's data section; null for HNSW parts (Lucene checks its own
     * files)
     */
    public record Part(String file, int first, int rows, String crc32c) {}

    public IndexManifest {
        shards = List.copyOf(shards);
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public String toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("format_version", formatVersion);
        o.put("type", type);
        o.put("count", count);
        o.put("dim", dim);
        o.put("dtype", dtype.label);
        ObjectNode p = o.putObject("passages");
        p.put("file", passagesFile);
        p.put("sha256", passagesSha256);
        o.put("corpus_checksum", corpusChecksum);
        o.put("encoder_fingerprint", encoderFingerprint);
        o.put("created", created);
        o.put("t5j_version", t5jVersion);
        ArrayNode a = o.putArray("shards");
        for (Part s : shards) {
            ObjectNode e = a.addObject();
            e.put("file", s.file());
            e.put("first", s.first());
            e.put("rows", s.rows());
            if (s.crc32c() != null) e.put("crc32c", s.crc32c());
        }
        if (!params.isEmpty()) o.set("params", Json.MAPPER.valueToTree(params));
        return Json.writePretty(o) + "\n";
    }

    /** Reads and checks {@code dir/manifest.json}: everything wrong is a {@link UserError} naming the field. */
    public static IndexManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such index directory");
        if (!Files.isRegularFile(file)) throw new UserError(dir + ": not a t5j passage index (no " + FILE + ")");
        JsonNode o = Json.read(file);
        if (!o.isObject()) throw UserError.at(file, 0, null, "expected a JSON object");
        String format = text(file, o, "format");
        if (!FORMAT.equals(format)) throw UserError.at(file, 0, "format", "expected '" + FORMAT + "', got '" + format
                + "'");
        int version = integer(file, o, "format_version");
        if (version < 1 || version > FORMAT_VERSION)
            throw UserError.at(file, 0, "format_version", "unknown index format version " + version
                    + " (this t5j reads version "
                    + FORMAT_VERSION + "); rebuild the index with this t5j or use a newer t5j");
        String type = text(file, o, "type");
        if (!type.equals(TYPE_FLAT) && !type.equals(TYPE_HNSW))
            throw UserError.at(file, 0, "type", "unknown index type '" + type + "' (expected flat or hnsw)");
        int count = integer(file, o, "count");
        int dim = integer(file, o, "dim");
        if (count < 1) throw UserError.at(file, 0, "count", "must be >= 1, got " + count);
        if (dim < 1) throw UserError.at(file, 0, "dim", "must be >= 1, got " + dim);
        IndexDtype dtype;
        try {
            dtype = IndexDtype.parse(text(file, o, "dtype"));
        } catch (UserError e) {
            throw UserError.at(file, 0, "dtype", e.getMessage());
        }
        JsonNode p = o.get("passages");
        if (p == null || !p.isObject()) throw UserError.at(file, 0, "passages", "missing or not an object");
        List<Part> parts = new ArrayList<>();
        JsonNode a = o.get("shards");
        if (a == null || !a.isArray() || a.isEmpty()) throw UserError.at(file, 0, "shards", "missing or empty");
        int next = 0;
        for (int i = 0; i < a.size(); i++) {
            JsonNode e = a.get(i);
            String f = "shards[" + i + "]";
            if (!e.isObject()) throw UserError.at(file, 0, f, "expected an object");
            Part part = new Part(text(file, e, f + ".file", "file"), integer(file, e, f + ".first", "first"),
                    integer(file, e, f + ".rows", "rows"), e.hasNonNull("crc32c") ? e.get("crc32c").asText() : null);
            if (part.first() != next) throw UserError.at(file, 0, f + ".first", "expected " + next
                    + " (shards must cover the rows in order), got " + part.first());
            if (part.rows() < 0) throw UserError.at(file, 0, f + ".rows", "negative");
            if (part.file().contains("/") || part.file().contains("\\") || part.file().startsWith("."))
                throw UserError.at(file, 0, f + ".file", "must be a plain file name inside the index directory");
            next += part.rows();
            parts.add(part);
        }
        if (next != count) throw UserError.at(file, 0, "shards", "cover " + next + " rows but count is " + count);
        Map<String, Object> params = o.has("params") ? Json.MAPPER.convertValue(o.get("params"), Map.class) : Map.of();
        @SuppressWarnings("unchecked") Map<String, Object> typed = params;
        return new IndexManifest(version, type, count, dim, dtype, text(file, p, "passages.file", "file"),
                text(file, p, "passages.sha256", "sha256"), text(file, o, "corpus_checksum"), text(file, o,
                        "encoder_fingerprint"),
                o.path("created").asText(""), o.path("t5j_version").asText("unknown"), parts, typed);
    }

    /**
     * Refuses an index built by another encoder than the caller's (a stale or foreign index) unless forced: its passage
     * vectors would not be comparable with the caller's query vectors.
     */
    public void checkFingerprint(Path dir, IndexLoadOptions options) {
        String want = options.expectedFingerprint();
        if (want == null || want.equals(encoderFingerprint) || options.force()) return;
        throw UserError.at(dir.resolve(FILE), 0, "encoder_fingerprint", "the index was built with encoder "
                + encoderFingerprint
                + " but the retriever is " + want
                        + " (stale or foreign index); rebuild it with `t5j index build` or load it with --force");
    }

    private static String text(Path file, JsonNode o, String field) {
        return text(file, o, field, field);
    }

    private static String text(Path file, JsonNode o, String label, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) throw UserError.at(file, 0, label, "missing");
        if (!v.isTextual()) throw UserError.at(file, 0, label, "expected a string");
        return v.textValue();
    }

    private static int integer(Path file, JsonNode o, String field) {
        return integer(file, o, field, field);
    }

    private static int integer(Path file, JsonNode o, String label, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) throw UserError.at(file, 0, label, "missing");
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw UserError.at(file, 0, label, "expected an integer");
        return v.intValue();
    }

    /** The running t5j's version, from the jar manifest or Maven metadata; "unknown" from a class folder. */
    static String currentT5jVersion() {
        String v = IndexManifest.class.getPackage().getImplementationVersion();
        if (v != null) return v;
        try (var in = IndexManifest.class.getResourceAsStream("/META-INF/maven/dev.t5j/t5j/pom.properties")) {
            if (in != null) {
                var props = new Properties();
                props.load(in);
                return props.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through: the version is informational
        }
        return "unknown";
    }
}
