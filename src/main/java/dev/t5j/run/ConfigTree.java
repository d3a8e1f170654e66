package dev.t5j.run;

import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Strict layered run configs: built-in defaults ← a YAML/JSON file ← {@code --set a.b=value} overrides, bound to a
 * record with snake_case keys. A key that the defaults do not have is an error naming it and the allowed keys; so is a
 * value of the wrong type. Shared by {@code TrainConfig} and the Atlas config.
 */
public final class ConfigTree {
    /** Strict: unknown keys, nulls for numbers, 8.5 for an integer and a key given twice are all errors. */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

    private ConfigTree() {}

    /** Parses built-in YAML defaults (a programming error if they do not parse). */
    public static ObjectNode parseDefaults(String yaml) {
        try {
            return (ObjectNode) YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user's file as a tree (null when the file is empty). */
    public static JsonNode readFile(Path file) {
        try {
            JsonNode user = YAML.readTree(Files.readString(file));
            if (user != null && !user.isNull() && !user.isObject()) throw new UserError(file
                    + ": the config must be a mapping of sections");
            return user == null || user.isNull() ? null : user;
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": config file not found");
        } catch (IOException e) {
            throw new UserError(file + ": not valid YAML/JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Defaults ← file (may be null) ← overrides, bound to {@code type}. */
    public static <T> T load(ObjectNode defaults, Path file, List<String> overrides, Class<T> type) {
        if (file != null) {
            JsonNode user = readFile(file);
            if (user != null) merge(defaults, (ObjectNode) user, "", file.toString());
        }
        for (String o : overrides) applyOverride(defaults, o);
        return bind(defaults, file == null ? "config" : file.toString(), type);
    }

    /**
     * The config of a run being resumed: the run's own {@code config.yaml} (over the defaults, for keys added since),
     * then {@code file} (may be null) and {@code overrides} on top. A key outside {@code mayChange} whose value would
     * change is refused, all such keys named; allowed changes are logged.
     */
    public static <T> T loadForResume(ObjectNode defaults, Path runConfig, Path file, List<String> overrides,
                                      Class<T> type, Set<String> mayChange, PrintStream log) {
        ObjectNode saved = defaults.deepCopy();
        JsonNode own = readFile(runConfig);
        if (own != null) merge(saved, (ObjectNode) own, "", runConfig.toString());
        ObjectNode wanted = saved.deepCopy();
        if (file != null) {
            JsonNode user = readFile(file);
            if (user != null) merge(wanted, (ObjectNode) user, "", file.toString());
        }
        for (String o : overrides) applyOverride(wanted, o);
        Map<String, String[]> changed = new LinkedHashMap<>();
        diff(saved, wanted, "", changed);
        List<String> refused = changed.keySet().stream().filter(k -> !mayChange.contains(k)
                && !k.equals("out")).toList();
        if (!refused.isEmpty())
            throw new UserError("--resume: " + String.join(", ", refused.stream()
                    .map(k -> k + " (" + changed.get(k)[0] + " -> " + changed.get(k)[1] + ")").toList())
                    + " would change the run of " + runConfig + "; on resume only " + String.join(", ", mayChange)
                    + " may change (start a new run in another directory to change the rest)");
        changed.forEach((k, v) -> {
            if (!k.equals("out")) log.println("t5j: resume: " + k + " " + v[0] + " -> " + v[1]);
        });
        return bind(wanted, runConfig.toString(), type);
    }

    /** The value of {@code out} that a file and overrides give, or null when neither sets it. */
    public static String outOf(Path file, List<String> overrides) {
        String out = null;
        if (file != null) {
            JsonNode n = readFile(file);
            if (n != null && n.path("out").isTextual()) out = n.path("out").textValue();
        }
        for (String o : overrides)
            if (o.startsWith("out=")) out = o.substring(4);
        return out;
    }

    private static void diff(JsonNode a, JsonNode b, String path, Map<String, String[]> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode x = a.path(k), y = b.path(k);
                diff(x, y, path.isEmpty() ? k : path + "." + k, out);
            }
        } else if (!sameValue(a, b)) {
            out.put(path, new String[]{a.toString(), b.toString()});
        }
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    static void merge(ObjectNode into, ObjectNode from, String path, String source) {
        from.fields().forEachRemaining(e -> {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode cur = into.get(e.getKey());
            if (cur == null) throw unknownKey(source, key, into);
            if (cur.isObject() && e.getValue().isObject()) merge((ObjectNode) cur, (ObjectNode) e.getValue(), key,
                    source);
            else into.set(e.getKey(), e.getValue());
        });
    }

    private static UserError unknownKey(String source, String key, ObjectNode parent) {
        List<String> allowed = new ArrayList<>();
        parent.fieldNames().forEachRemaining(allowed::add);
        return new UserError(source + ": unknown config key '" + key + "'; allowed here: " + String.join(", ",
                allowed));
    }

    static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) throw new UserError("--set '" + override + "': expected key=value, e.g. train.steps=100");
        String key = override.substring(0, eq).trim();
        String raw = override.substring(eq + 1);
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || !child.isObject()) throw unknownKey("--set", String.join(".",
                    Arrays.copyOf(parts, i + 1)), node);
            node = (ObjectNode) child;
        }
        String leaf = parts[parts.length - 1];
        if (!node.has(leaf)) throw unknownKey("--set", key, node);
        JsonNode value;
        try {
            value = raw.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(raw);
        } catch (IOException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        node.set(leaf, value == null ? JsonNodeFactory.instance.nullNode() : value);
    }

    static <T> T bind(ObjectNode tree, String source, Class<T> type) {
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new UserError(source + ": unknown config key '" + path(e) + "'; allowed: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            throw new UserError(source + ": config key '" + path(e) + "': '" + e.getValue() + "' is not a valid "
                    + e.getTargetType().getSimpleName().toLowerCase());
        } catch (MismatchedInputException e) {
            throw new UserError(source + ": config key '" + path(e) + "': wrong type (expected "
                    + e.getTargetType().getSimpleName().toLowerCase() + ")");
        } catch (JsonMappingException e) {
            // an enum's or value type's own check (allowed values) thrown from its @JsonCreator
            for (Throwable c = e.getCause(); c != null; c = c.getCause())
                if (c instanceof UserError u) throw new UserError(source + ": config key '" + path(e) + "': "
                        + u.getMessage());
            throw new UserError(source + ": config key '" + path(e) + "': "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new UserError(source + ": " + e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex()
                + "]").collect(Collectors.joining("."));
    }

    /** Any config record as YAML (the resolved config written into a run directory). */
    public static String toYaml(Object config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
