package dev.t5j.data.tasks;

import java.io.FileNotFoundException;
import java.util.Locale;
import java.util.TreeSet;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.DataSource;
import dev.t5j.data.Feature;
import dev.t5j.data.FileSplits;
import dev.t5j.data.JsonArraySource;
import dev.t5j.data.JsonlSource;
import dev.t5j.data.Mixture;
import dev.t5j.data.PassageSource;
import dev.t5j.data.Postprocessor;
import dev.t5j.data.Rate;
import dev.t5j.data.SlicedSource;
import dev.t5j.data.Task;
import dev.t5j.data.TextLineSource;
import dev.t5j.data.TsvSource;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads task and mixture definitions from a JSON or YAML file (see docs/data.md for the schema). Relative file
 * patterns resolve against the file's directory; {@code ${data_dir}} expands to the data directory. Everything is
 * validated at load time (unknown preprocessors, parameters, source types, bad rates) so errors come before work.
 */
public final class TaskConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TASK_KEYS = Set.of("name", "source", "preprocessors", "output_features",
            "postprocessor", "metrics", "description");
    private static final Set<String> SOURCE_KEYS = Set.of("type", "splits", "fields", "skip_header_lines",
            "array_field", "field", "slices");
    private static final Set<String> MIXTURE_KEYS = Set.of("name", "tasks", "default_rate");

    private final Path file;
    private final Vocabulary vocab;
    private final Path dataDir;
    private final PreprocessorRegistry preprocessors;

    private TaskConfig(Path file, Vocabulary vocab, Path dataDir, PreprocessorRegistry preprocessors) {
        this.file = file;
        this.vocab = vocab;
        this.dataDir = dataDir;
        this.preprocessors = preprocessors;
    }

    /**
     * Loads {@code file} into {@code catalog}; returns the names defined. A name already in the catalog is replaced.
     */
    public static List<String> load(Path file, DataCatalog catalog, Vocabulary vocab, Path dataDir,
            PreprocessorRegistry registry) {
        JsonNode root = read(file);
        return new TaskConfig(file, vocab, dataDir, registry).loadInto(root, catalog);
    }

    static JsonNode read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".yaml") || name.endsWith(".yml"))) return Json.read(file);
        try {
            return YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw UserError.at(file, loc == null ? 0 : loc.getLineNr(), null, "invalid YAML: " + Json.problem(e));
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private UserError err(String field, String what) {
        return UserError.at(file, 0, field, what);
    }

    private List<String> loadInto(JsonNode root, DataCatalog catalog) {
        if (root == null || !root.isObject()) throw err(null, "expected an object with \"tasks\" and/or \"mixtures\"");
        checkKeys(root, Set.of("tasks", "mixtures"), "");
        List<String> names = new ArrayList<>();
        JsonNode tasks = root.path("tasks");
        for (int i = 0; i < tasks.size(); i++) {
            Task t = task(tasks.get(i), "tasks[" + i + "]");
            catalog.put(t);
            names.add(t.name());
        }
        JsonNode mixtures = root.path("mixtures");
        List<MixtureSpec> pending = new ArrayList<>();
        for (int i = 0; i < mixtures.size(); i++) pending.add(mixture(mixtures.get(i), "mixtures[" + i + "]"));
        // Members resolve when a mixture is registered, so a mixture of this file waits for the ones it names.
        while (!pending.isEmpty()) {
            Set<String> waiting = new HashSet<>();
            for (MixtureSpec m : pending) waiting.add(m.name());
            MixtureSpec ready = pending.stream()
                    .filter(m -> m.members().stream().noneMatch(e -> waiting.contains(e.name()))).findFirst()
                    .orElseThrow(() -> err(pending.get(0).where(), "mixtures " + waiting
                            + " contain each other (cycle)"));
            catalog.put(resolve(ready, catalog));
            names.add(ready.name());
            pending.remove(ready);
        }
        if (names.isEmpty()) throw err(null, "defines no tasks or mixtures");
        return names;
    }

    private void checkKeys(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k))
                throw err(where.isEmpty() ? k : where + "." + k, "unknown key (allowed: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
    }

    private String text(JsonNode node, String key, String where, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) throw err(where + "." + key, "missing");
            return null;
        }
        if (!v.isTextual()) throw err(where + "." + key, "expected a string");
        return v.textValue();
    }

    private Task task(JsonNode n, String where) {
        if (!n.isObject()) throw err(where, "expected an object");
        checkKeys(n, TASK_KEYS, where);
        String name = text(n, "name", where, true);
        Task.Builder b = Task.builder(name).source(source(n.get("source"), where + ".source"));
        JsonNode pre = n.path("preprocessors");
        for (int i = 0; i < pre.size(); i++) b.preprocessor(preprocessors.create(pre.get(i), file + ": " + where
                + ".preprocessors[" + i + "]"));
        JsonNode of = n.get("output_features");
        if (of == null) {
            b.feature("inputs", new Feature(vocab, true, false)); // t5.data DEFAULT_OUTPUT_FEATURES
            b.feature("targets", new Feature(vocab, true, true));
        } else {
            if (!of.isObject() || of.isEmpty())
                throw err(where + ".output_features", "expected an object {name: {add_eos, required}}");
            of.fields().forEachRemaining(e -> {
                String fw = where + ".output_features." + e.getKey();
                if (!e.getValue().isObject()) throw err(fw, "expected an object {add_eos, required}");
                checkKeys(e.getValue(), Set.of("add_eos", "required"), fw);
                b.feature(e.getKey(), new Feature(vocab, e.getValue().path("add_eos").asBoolean(true),
                        e.getValue().path("required").asBoolean(true)));
            });
        }
        String post = text(n, "postprocessor", where, false);
        try {
            b.postprocessor(Postprocessor.byName(post));
        } catch (UserError e) {
            throw err(where + ".postprocessor", e.getMessage());
        }
        for (JsonNode m : n.path("metrics")) b.metric(m.asText());
        String desc = text(n, "description", where, false);
        if (desc != null) b.description(desc);
        return b.build();
    }

    private DataSource source(JsonNode s, String where) {
        if (s == null || !s.isObject()) throw err(where, "missing (an object with \"type\" and \"splits\")");
        checkKeys(s, SOURCE_KEYS, where);
        String type = text(s, "type", where, true);
        JsonNode sp = s.get("splits");
        if (sp == null || !sp.isObject() || sp.isEmpty())
            throw err(where + ".splits", "expected an object {split: file or [files]}");
        Map<String, List<String>> splits = new LinkedHashMap<>();
        sp.fields().forEachRemaining(e -> {
            List<String> pats = new ArrayList<>();
            if (e.getValue().isTextual()) pats.add(expand(e.getValue().textValue()));
            else if (e.getValue().isArray()) e.getValue().forEach(x -> pats.add(expand(x.asText())));
            else throw err(where + ".splits." + e.getKey(), "expected a file pattern or a list of them");
            splits.put(e.getKey(), pats);
        });
        Path base = file.toAbsolutePath().getParent();
        FileSplits fs = new FileSplits(splits, base);
        List<String> fields = new ArrayList<>();
        s.path("fields").forEach(f -> fields.add(f.asText()));
        int skipHeader = s.path("skip_header_lines").asInt(0);
        DataSource src = switch (type) {
            case "jsonl" -> new JsonlSource(fs, fields);
            case "tsv" -> {
                if (fields.isEmpty()) throw err(where + ".fields", "a tsv source needs field names");
                yield new TsvSource(fs, fields, skipHeader);
            }
            case "text" -> new TextLineSource(fs, text(s, "field", where, false), skipHeader);
            case "passages" -> new PassageSource(fs);
            case "json" -> new JsonArraySource(fs, text(s, "array_field", where, false));
            default -> throw err(where + ".type", "unknown source type '" + type
                    + "' (known: jsonl, tsv, text, passages, json)");
        };
        JsonNode slices = s.get("slices");
        if (slices != null) {
            Map<String, String> m = new LinkedHashMap<>();
            slices.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            try {
                src = new SlicedSource(src, m);
            } catch (UserError e) {
                throw err(where + ".slices", e.getMessage());
            }
        }
        return src;
    }

    private String expand(String pattern) {
        if (!pattern.contains("${data_dir}")) return pattern;
        if (dataDir == null)
            throw err(null, "uses ${data_dir} but no data directory is set (--data-dir or T5J_DATA_DIR)");
        return pattern.replace("${data_dir}", dataDir.toAbsolutePath().toString());
    }

    private record Member(String name, Rate rate, String where) {}

    private record MixtureSpec(String name, String where, List<Member> members) {}

    private Mixture resolve(MixtureSpec spec, DataCatalog catalog) {
        List<Mixture.Entry> entries = new ArrayList<>();
        for (Member m : spec.members()) {
            try {
                entries.add(catalog.entry(m.name(), m.rate()));
            } catch (UserError e) {
                throw err(m.where(), e.getMessage());
            }
        }
        return new Mixture(spec.name(), entries);
    }

    private MixtureSpec mixture(JsonNode n, String where) {
        if (!n.isObject()) throw err(where, "expected an object");
        checkKeys(n, MIXTURE_KEYS, where);
        String name = text(n, "name", where, true);
        Rate def = n.has("default_rate") ? rate(n.get("default_rate"), where + ".default_rate") : null;
        List<Member> entries = new ArrayList<>();
        JsonNode tasks = n.path("tasks");
        if (!tasks.isArray() || tasks.isEmpty()) throw err(where + ".tasks", "expected a non-empty list");
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode t = tasks.get(i);
            String tw = where + ".tasks[" + i + "]";
            if (t.isTextual()) {
                if (def == null) throw err(tw, "no rate and no default_rate");
                entries.add(new Member(t.textValue(), def, tw));
            } else if (t.isObject()) {
                checkKeys(t, Set.of("name", "rate"), tw);
                Rate r = t.has("rate") ? rate(t.get("rate"), tw + ".rate") : def;
                if (r == null) throw err(tw, "no rate and no default_rate");
                entries.add(new Member(text(t, "name", tw, true), r, tw));
            } else throw err(tw, "expected a name or {name, rate}");
        }
        return new MixtureSpec(name, where, entries);
    }

    /** {@code 2.0} or {@code {"num_examples": {"scale": 1, "maximum": 1000, "temperature": 2}}}. */
    private Rate rate(JsonNode r, String where) {
        try {
            if (r.isNumber()) return Rate.fixed(r.doubleValue());
            if (r.isObject() && r.has("num_examples")) {
                JsonNode p = r.get("num_examples");
                if (!p.isObject()) p = Json.MAPPER.createObjectNode();
                checkKeys(p, Set.of("scale", "maximum", "temperature"), where + ".num_examples");
                return Rate.numExamples(p.path("scale").asDouble(1.0), p.path("maximum").asDouble(0),
                        p.path("temperature").asDouble(1.0));
            }
        } catch (UserError e) {
            throw err(where, e.getMessage());
        }
        throw err(where, "expected a number or {\"num_examples\": {scale, maximum, temperature}}");
    }
}
