package dev.t5j.atlas.tasks;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.retrieval.Passage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Atlas's {@code --write_results} file (evaluate.py, {@code save_distributed_dataset}): one JSON object per line,
 * written atomically.
 *
 * <p>Per example, keys in Atlas's order: {@code query}, {@code answers}, {@code generation} (absent in retrieve-only
 * mode), {@code passages} (unless {@code --dont_write_passages}), {@code metadata} (when the example has it),
 * {@code choice_logits} (multiple choice), {@code id} (when the example has one). Each passage is
 * {@code {id, title, text, ...its other fields, score}}; the score is t5j's addition (Atlas drops it).
 *
 * <p>Multiple choice writes one line per question after {@link MultipleChoiceTask#debias}: the original copy's line
 * without {@code choice_logits}, {@code generation} = the debiased letter, then {@code choice_probs},
 * {@code all_probs} and {@code permutations} (the lines of every copy).
 */
public final class ResultsWriter {
    private final boolean writePassages;

    /** @param writePassages false for Atlas's {@code --dont_write_passages} */
    public ResultsWriter(boolean writePassages) {
        this.writePassages = writePassages;
    }

    /** Atlas's file name: {@code <dir>/<data file name without extension>-step-<step>.jsonl}. */
    public static Path resultsPath(Path dir, Path dataFile, long step) {
        String name = dataFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0) name = name.substring(0, dot);
        return dir.resolve(name + "-step-" + step + ".jsonl");
    }

    public Map<String, Object> toJson(AtlasResult r) {
        AtlasExample ex = r.example();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", ex.query());
        m.put("answers", ex.answers());
        if (r.generation() != null) m.put("generation", r.generation());
        if (writePassages || r.generation() == null) m.put("passages", passages(r));
        if (ex.metadata() != null) m.put("metadata", ex.metadata());
        if (r.choiceLogits() != null) m.put("choice_logits", r.choiceLogits());
        if (ex.id() != null) m.put("id", ex.id());
        return m;
    }

    public Map<String, Object> toJson(MultipleChoiceTask.Debiased d) {
        Map<String, Object> m = toJson(d.original());
        m.remove("choice_logits");
        m.put("generation", d.generation()); // replaces the value, keeps Atlas's key position
        m.put("choice_probs", d.choiceProbs());
        m.put("all_probs", d.allProbs());
        List<Map<String, Object>> perms = new ArrayList<>();
        for (AtlasResult p : d.permutations()) perms.add(toJson(p));
        m.put("permutations", perms);
        return m;
    }

    private List<Map<String, Object>> passages(AtlasResult r) {
        List<Map<String, Object>> out = new ArrayList<>(r.passages().size());
        for (int i = 0; i < r.passages().size(); i++) {
            Passage p = r.passages().get(i);
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("id", p.id());
            pm.put("title", p.title());
            pm.put("text", p.text());
            pm.putAll(p.extra());
            // float's shortest repr
            if (r.scores() != null) pm.put("score", Double.parseDouble(Float.toString(r.scores()[i])));
            out.add(pm);
        }
        return out;
    }

    /** Writes the per-example results (every task but multiple choice, and retrieve-only output). */
    public void write(Path file, List<AtlasResult> results) throws IOException {
        writeLines(file, results.stream().map(this::toJson).toList());
    }

    /** Writes multiple-choice results, one line per question. */
    public void writeMultipleChoice(Path file, List<MultipleChoiceTask.Debiased> results) throws IOException {
        writeLines(file, results.stream().map(this::toJson).toList());
    }

    private static void writeLines(Path file, List<Map<String, Object>> lines) throws IOException {
        AtomicFiles.write(file, os -> {
            for (Map<String, Object> l : lines) {
                try {
                    os.write(Json.write(l).getBytes(StandardCharsets.UTF_8));
                } catch (IllegalStateException e) {
                    throw new UncheckedIOException(new IOException("cannot serialise a result line", e));
                }
                os.write('\n');
            }
        });
    }
}
