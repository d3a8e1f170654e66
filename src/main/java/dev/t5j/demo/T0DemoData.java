package dev.t5j.demo;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.data.prompted.HfDatasets;
import dev.t5j.data.prompted.PromptedTasks;
import dev.t5j.prompts.PromptTemplate;
import dev.t5j.prompts.Prompts;
import dev.t5j.prompts.TemplateFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The data side of {@code t5j t0 demo}: copies the files that ship with t5j ({@code dev/t5j/demo/t0}, see its
 * SOURCE.md) into {@code OUT/data} in the shared data layout, removes held-in training rows whose text also occurs
 * in the held-out dataset, writes the task file of both training mixtures (prompted and raw fields), and draws the
 * label-balanced evaluation rows.
 */
final class T0DemoData {
    /** The shipped files, relative to {@code dev/t5j/demo/t0/} and to {@code OUT/data/}. */
    static final List<String> FILES = List.of("SOURCE.md", "glue/SOURCE.md", "glue/SST-2/train.tsv",
            "glue/SST-2/dev.tsv", "glue/MRPC/train.tsv", "glue/MRPC/dev.tsv", "rotten_tomatoes/SOURCE.md",
            "rotten_tomatoes/rt-polarity.pos", "rotten_tomatoes/rt-polarity.neg", "promptsource/SOURCE.md",
            "promptsource/templates/glue/sst2/templates.yaml", "promptsource/templates/glue/mrpc/templates.yaml",
            "promptsource/templates/rotten_tomatoes/templates.yaml");
    /** GLUE tsv files the demo rewrites (cut, decontaminated): one header line, then row i on line i + 1. */
    static final Map<String, String> TRAIN_TSV = Map.of("glue/sst2", "glue/SST-2/train.tsv",
            "glue/mrpc", "glue/MRPC/train.tsv");
    /** Held-in text shorter than this many words is not treated as contamination ("the film", "is n't"). */
    static final int MIN_OVERLAP_WORDS = 4;

    private T0DemoData() {}

    /** Copies the shipped files into {@code dataDir}. */
    static void copy(Path dataDir) throws IOException {
        for (String f : FILES) {
            try (InputStream in = T0DemoData.class.getResourceAsStream("/dev/t5j/demo/t0/" + f)) {
                if (in == null) throw new IllegalStateException("missing built-in resource dev/t5j/demo/t0/" + f);
                Path target = dataDir.resolve(f);
                Files.createDirectories(target.getParent());
                AtomicFiles.writeBytes(target, in.readAllBytes());
            }
        }
    }

    static TemplateFile templates(Path dataDir, String dataset) {
        return TemplateFile.load(dataDir.resolve("promptsource/templates").resolve(dataset).resolve("templates.yaml"));
    }

    static List<Map<String, Object>> rows(Path dataDir, String dataset, String split) throws IOException {
        HfDatasets.Split s = HfDatasets.all().get(dataset).get(split);
        return s.reader().read(dataDir);
    }

    /** Lowercase letters and digits separated by single spaces: SST's "it 's" and RT's "it's" compare equal. */
    static String normalize(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** The text fields of a row, normalized and joined. */
    static String text(Map<String, Object> row, List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) sb.append(' ').append(row.get(f));
        return normalize(sb.toString());
    }

    /**
     * Rewrites a held-in GLUE train file keeping its first {@code maxRows} rows (0: all) minus those whose text (at
     * least {@link #MIN_OVERLAP_WORDS} words) occurs inside a held-out sentence: SST-2 is built from the same
     * Rotten Tomatoes snippets (Socher et al. 2013), so without this the "never seen" dataset would partly be seen.
     *
     * @return rows kept and rows dropped as overlapping
     */
    static int[] cutAndDecontaminate(Path dataDir, String dataset, List<String> fields, int maxRows,
                                     List<String> heldOutTexts) throws IOException {
        Path file = dataDir.resolve(TRAIN_TSV.get(dataset));
        List<Map<String, Object>> rows = rows(dataDir, dataset, "train");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder heldOut = new StringBuilder("\n");
        for (String t : heldOutTexts) heldOut.append(' ').append(t).append(" \n");
        String haystack = heldOut.toString();
        StringBuilder kept = new StringBuilder(lines.get(0)).append('\n');
        int keptRows = 0, dropped = 0;
        for (int i = 0; i < rows.size() && (maxRows <= 0 || keptRows < maxRows); i++) {
            String t = text(rows.get(i), fields);
            if (t.split(" ").length >= MIN_OVERLAP_WORDS && haystack.contains(" " + t + " ")) {
                dropped++;
                continue;
            }
            kept.append(lines.get(i + 1)).append('\n');
            keptRows++;
        }
        AtomicFiles.writeString(file, kept.toString());
        return new int[]{keptRows, dropped};
    }

    /** The raw-fields rendering of a row: {@code "f1: v1 f2: v2"} → the label's name (HF ClassLabel names). */
    static Map<String, String> raw(Map<String, Object> row, List<String> fields, List<String> labelNames) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) sb.append(sb.length() == 0 ? "" : " ").append(f).append(": ").append(row.get(f));
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inputs", sb.toString());
        m.put("targets", labelNames.get(((Number) row.get("label")).intValue()));
        return m;
    }

    /** Writes {@code rows} of a held-in dataset in the raw-fields format (jsonl {inputs, targets}). */
    static Path writeRaw(Path file, List<Map<String, Object>> rows, List<String> fields, List<String> labelNames)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> r : rows) sb.append(Json.write(raw(r, fields, labelNames))).append('\n');
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, sb.toString());
        return file;
    }

    /**
     * A label-balanced sample: {@code n / 2} row indices of each label (binary), drawn with {@code seed}, in row
     * order. Fewer when a label has fewer rows (then both get the smaller count, so chance stays 50%).
     */
    static List<Integer> balanced(List<Map<String, Object>> rows, int n, long seed) {
        List<List<Integer>> byLabel = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < rows.size(); i++) byLabel.get(((Number) rows.get(i).get("label")).intValue()).add(i);
        int per = Math.min(n / 2, Math.min(byLabel.get(0).size(), byLabel.get(1).size()));
        List<Integer> out = new ArrayList<>();
        Random rng = new Random(seed);
        for (List<Integer> l : byLabel) {
            Collections.shuffle(l, rng);
            out.addAll(l.subList(0, per));
        }
        Collections.sort(out);
        return out;
    }

    /**
     * The task file of both training mixtures: {@code t0demo_prompted} (the held-in templates' prompted tasks of the
     * catalog) and {@code t0demo_raw} (the same rows as raw fields). Each dataset weighs its number of rows in both,
     * shared evenly by its templates.
     */
    static Path writeTaskFile(Path file, Map<String, List<PromptTemplate>> trainTemplates,
                              Map<String, Path> rawFiles, Map<String, Integer> rowsOf) throws IOException {
        List<Object> tasks = new ArrayList<>(), prompted = new ArrayList<>(), raw = new ArrayList<>();
        for (var e : trainTemplates.entrySet()) {
            String[] ds = splitKey(e.getKey());
            for (PromptTemplate t : e.getValue())
                prompted.add(Map.of("name", PromptedTasks.taskName(ds[0], ds[1], t.name()),
                        "rate", (double) rowsOf.get(e.getKey()) / e.getValue().size()));
            String rawName = rawTaskName(e.getKey());
            tasks.add(Map.of("name", rawName,
                    // relative to the task file, as task files resolve them (so a relative --out works)
                    "source", Map.of("type", "jsonl", "splits", Map.of("train", file.toAbsolutePath().getParent()
                            .relativize(rawFiles.get(e.getKey()).toAbsolutePath()).toString())),
                    // as the prompted tasks (t-zero): inputs without EOS, targets with EOS
                    "preprocessors", List.of(Map.of("name", "tokenize", "with_eos", false), "append_eos"),
                    "output_features", Map.of("inputs", Map.of("add_eos", false), "targets", Map.of("add_eos", true)),
                    "description", "raw fields of " + e.getKey() + " (t5j t0 demo)"));
            raw.add(Map.of("name", rawName, "rate", (double) rowsOf.get(e.getKey())));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tasks", tasks);
        root.put("mixtures", List.of(Map.of("name", T0Demo.PROMPTED_MIXTURE, "tasks", prompted),
                Map.of("name", T0Demo.RAW_MIXTURE, "tasks", raw)));
        AtomicFiles.writeString(file, Json.writePretty(root) + "\n");
        return file;
    }

    static String rawTaskName(String dataset) {
        return "t0demo_raw_" + dataset.replace('/', '_');
    }

    /** "glue/sst2" → {"glue", "sst2"}; "rotten_tomatoes" → {"rotten_tomatoes", null}. */
    static String[] splitKey(String dataset) {
        int slash = dataset.indexOf('/');
        return slash < 0 ? new String[]{dataset, null} : new String[]{dataset.substring(0, slash),
                dataset.substring(slash + 1)};
    }

    /** One rendered example for rank classification: the T0 render and the index of the correct choice. */
    record Rendered(int row, String inputs, List<String> choices, int label) {}

    /** Renders {@code rows} (by index) through {@code t} as the prompted tasks do (seeded with the row index). */
    static List<Rendered> render(PromptTemplate t, List<Map<String, Object>> rows, List<Integer> which) {
        List<Rendered> out = new ArrayList<>();
        for (int i : which) {
            Prompts.Rendered r = Prompts.render(t, rows.get(i), i);
            if (!r.kept()) continue;
            int label = r.answerChoices().indexOf(r.targets());
            if (label < 0) throw new IllegalStateException("template '" + t.name() + "': target '" + r.targets()
                    + "' is not among its choices " + r.answerChoices());
            out.add(new Rendered(i, r.inputs(), r.answerChoices(), label));
        }
        return out;
    }
}
