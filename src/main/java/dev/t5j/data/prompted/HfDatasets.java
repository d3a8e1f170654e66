package dev.t5j.data.prompted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.prompts.PyValues;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets under the data directory, read from their original files into the rows HF {@code datasets} gives
 * (field names and label maps the promptsource templates read). Each entry names its files per split; the layouts
 * follow the HF loading scripts (marked [recall] in the folders' SOURCE.md where not verified) and are checked
 * against the independent Python conversion of make_fixture.py (HfDatasetsTest).
 */
public final class HfDatasets {
    private HfDatasets() {}

    /** A reader of one split: the files it needs (relative to the data dir) and the conversion. */
    public record Split(List<String> files, Reader reader) {}

    @FunctionalInterface
    public interface Reader {
        List<Map<String, Object>> read(Path dataDir) throws IOException;
    }

    /** promptsource key ("dataset" or "dataset/subset") → split name → reader. */
    public static Map<String, Map<String, Split>> all() {
        Map<String, Map<String, Split>> m = new LinkedHashMap<>();
        m.put("ag_news", Map.of("test", split(d -> agNews(d), "ag_news/test.csv")));
        m.put("cos_e/v1.0", Map.of(
                "train", split(d -> cosE(d, "train"), "cos_e/train_rand_split.jsonl",
                        "cos_e/cose_train_v1.0_processed.jsonl"),
                "validation", split(d -> cosE(d, "dev"), "cos_e/dev_rand_split.jsonl",
                        "cos_e/cose_dev_v1.0_processed.jsonl")));
        m.put("dream", Map.of("train", split(d -> dream(d, "train"), "dream/train.json"),
                "validation", split(d -> dream(d, "dev"), "dream/dev.json")));
        m.put("ropes", Map.of("train", split(d -> ropes(d, "train"), "ropes/train-v1.0.json"),
                "validation", split(d -> ropes(d, "dev"), "ropes/dev-v1.0.json")));
        String[] rt = {"rotten_tomatoes/rt-polarity.pos", "rotten_tomatoes/rt-polarity.neg"};
        m.put("rotten_tomatoes", Map.of("train", split(d -> rottenTomatoes(d, 0), rt),
                "validation", split(d -> rottenTomatoes(d, 1), rt), "test", split(d -> rottenTomatoes(d, 2), rt)));
        m.put("trec", Map.of("train", split(d -> trec(d, "train_5500.label"), "trec/train_5500.label"),
                "test", split(d -> trec(d, "TREC_10.label"), "trec/TREC_10.label")));
        for (String sub : List.of("cola", "sst2", "mrpc", "stsb", "qnli", "rte")) {
            String dir = GLUE_DIRS.get(sub);
            Map<String, Split> s = new LinkedHashMap<>();
            if (!sub.equals("qnli")) s.put("train", split(d -> glue(d, sub, "train"), "glue/" + dir + "/train.tsv"));
            s.put("validation", split(d -> glue(d, sub, "dev"), "glue/" + dir + "/dev.tsv"));
            m.put("glue/" + sub, s);
        }
        m.put("super_glue/rte", Map.of("train", split(d -> superGlue(d, "rte", "train"), "superglue/RTE/train.jsonl"),
                "validation", split(d -> superGlue(d, "rte", "val"), "superglue/RTE/val.jsonl")));
        m.put("super_glue/wsc.fixed", Map.of("train", split(d -> superGlue(d, "wsc.fixed", "train"),
                "superglue/WSC/train.jsonl"),
                "validation", split(d -> superGlue(d, "wsc.fixed", "val"), "superglue/WSC/val.jsonl")));
        m.put("super_glue/boolq", Map.of("validation", split(d -> superGlue(d, "boolq", "val"),
                "superglue/BoolQ/val.jsonl")));
        m.put("super_glue/wic", Map.of("validation", split(d -> superGlue(d, "wic", "val"),
                "superglue/WiC/val.jsonl")));
        return m;
    }

    private static final Map<String, String> GLUE_DIRS = Map.of("cola", "CoLA", "sst2", "SST-2", "mrpc", "MRPC",
            "stsb", "STS-B", "qnli", "QNLI", "rte", "RTE");

    private static Split split(Reader r, String... files) {
        return new Split(List.of(files), r);
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static List<String> lines(Path f, Charset cs) throws IOException {
        return Files.readAllLines(f, cs);
    }

    static List<JsonNode> jsonl(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        List<String> ls = lines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < ls.size(); i++) if (!ls.get(i).isBlank()) out.add(Json.readLine(f, i + 1, ls.get(i)));
        return out;
    }

    private static UserError missing(Path f, int line, String field) {
        return UserError.at(f, line, field, "missing or of the wrong type");
    }

    /** HF ag_news: text = title + " " + description, label = class_index - 1 (CSV, RFC-4180 quoting). */
    static List<Map<String, Object>> agNews(Path d) throws IOException {
        Path f = d.resolve("ag_news/test.csv");
        List<Map<String, Object>> out = new ArrayList<>();
        int line = 0;
        for (List<String> r : Csv.read(Files.readString(f, StandardCharsets.UTF_8))) {
            line++;
            if (r.size() != 3) throw UserError.at(f, line, null,
                    "expected 3 CSV fields (class, title, description), got " + r.size());
            out.add(row("text", r.get(1) + " " + r.get(2), "label", Integer.parseInt(r.get(0)) - 1));
        }
        return out;
    }

    /** HF cos_e v1.0: the CQA question joined with its CoS-E explanation on id. */
    static List<Map<String, Object>> cosE(Path d, String split) throws IOException {
        Map<String, JsonNode> expl = new LinkedHashMap<>();
        for (JsonNode n : jsonl(d.resolve("cos_e/cose_" + split + "_v1.0_processed.jsonl"))) expl.put(n.path("id")
                .asText(), n.path("explanation"));
        Path f = d.resolve("cos_e/" + split + "_rand_split.jsonl");
        List<Map<String, Object>> out = new ArrayList<>();
        int line = 0;
        for (JsonNode n : jsonl(f)) {
            line++;
            List<Object> choices = new ArrayList<>();
            n.path("question").path("choices").forEach(c -> choices.add(c.path("text").asText()));
            int k = n.path("answerKey").asText("?").charAt(0) - 'A';
            if (k < 0 || k >= choices.size()) throw missing(f, line, "answerKey");
            JsonNode e = expl.get(n.path("id").asText());
            if (e == null) throw UserError.at(f, line, "id", "no explanation with this id in cose_" + split
                    + "_v1.0_processed.jsonl");
            out.add(row("id", n.path("id").asText(), "question", n.path("question").path("stem").asText(), "choices",
                    choices,
                    "answer", choices.get(k), "abstractive_explanation", e.path("open-ended").asText(),
                    "extractive_explanation", e.path("selected").asText()));
        }
        return out;
    }

    /** HF dream: one row per question {id, dialogue_id, dialogue, question, choice, answer}. */
    static List<Map<String, Object>> dream(Path d, String split) throws IOException {
        JsonNode root = Json.read(d.resolve("dream/" + split + ".json"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode dlg : root) {
            List<Object> turns = new ArrayList<>();
            dlg.get(0).forEach(t -> turns.add(t.asText()));
            for (JsonNode q : dlg.get(1)) {
                List<Object> choice = new ArrayList<>();
                q.path("choice").forEach(c -> choice.add(c.asText()));
                out.add(row("id", out.size(), "dialogue_id", dlg.get(2).asText(), "dialogue", turns,
                        "question", q.path("question").asText(), "choice", choice, "answer", q.path("answer").asText(
                                )));
            }
        }
        return out;
    }

    /** HF ropes: one row per question {id, background, situation, question, answers: {text: [...]}}. */
    static List<Map<String, Object>> ropes(Path d, String split) throws IOException {
        JsonNode root = Json.read(d.resolve("ropes/" + split + "-v1.0.json"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode art : root.path("data"))
            for (JsonNode p : art.path("paragraphs"))
                for (JsonNode qa : p.path("qas")) {
                    List<Object> texts = new ArrayList<>();
                    qa.path("answers").forEach(a -> texts.add(a.path("text").asText()));
                    out.add(row("id", qa.path("id").asText(), "background", p.path("background").asText(),
                            "situation", p.path("situation").asText(), "question", qa.path("question").asText(),
                            "answers", row("text", texts)));
                }
        return out;
    }

    /** HF rotten_tomatoes: 80/10/10 of each Latin-1 file, cut at int(n·0.8+0.5) and int(n·0.9+0.5); pos first. */
    static List<Map<String, Object>> rottenTomatoes(Path d, int part) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String pol : List.of("pos", "neg")) {
            List<String> ls = lines(d.resolve("rotten_tomatoes/rt-polarity." + pol), StandardCharsets.ISO_8859_1);
            int i1 = (int) (ls.size() * 0.8 + 0.5), i2 = (int) (ls.size() * 0.9 + 0.5);
            int from = part == 0 ? 0 : part == 1 ? i1 : i2, to = part == 0 ? i1 : part == 1 ? i2 : ls.size();
            for (String l : ls.subList(from, to)) out.add(row("text", l.strip(), "label", pol.equals("pos") ? 1 : 0));
        }
        return out;
    }

    static final List<String> TREC_COARSE = List.of("ABBR", "ENTY", "DESC", "HUM", "LOC", "NUM");
    static final List<String> TREC_FINE = List.of("ABBR:abb", "ABBR:exp", "ENTY:animal", "ENTY:body", "ENTY:color",
            "ENTY:cremat", "ENTY:currency", "ENTY:dismed", "ENTY:event", "ENTY:food", "ENTY:instru", "ENTY:lang",
            "ENTY:letter", "ENTY:other", "ENTY:plant", "ENTY:product", "ENTY:religion", "ENTY:sport", "ENTY:substance",
            "ENTY:symbol", "ENTY:techmeth", "ENTY:termeq", "ENTY:veh", "ENTY:word", "DESC:def", "DESC:desc",
            "DESC:manner", "DESC:reason", "HUM:gr", "HUM:ind", "HUM:title", "HUM:desc", "LOC:city", "LOC:country",
            "LOC:mount", "LOC:other", "LOC:state", "NUM:code", "NUM:count", "NUM:date", "NUM:dist", "NUM:money",
            "NUM:ord", "NUM:other", "NUM:period", "NUM:perc", "NUM:speed", "NUM:temp", "NUM:volsize", "NUM:weight");

    /** HF trec: {text, coarse_label, fine_label}; files read as Latin-1 (one stray 0xF0 byte). */
    static List<Map<String, Object>> trec(Path d, String file) throws IOException {
        Path f = d.resolve("trec/" + file);
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> ls = lines(f, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < ls.size(); i++) {
            String l = ls.get(i);
            int sp = l.indexOf(' ');
            String lab = sp < 0 ? l : l.substring(0, sp);
            int fine = TREC_FINE.indexOf(lab), coarse = TREC_COARSE.indexOf(lab.split(":")[0]);
            if (fine < 0 || coarse < 0) throw UserError.at(f, i + 1, "label", "unknown TREC label '" + lab + "'");
            out.add(row("text", l.substring(sp + 1).strip(), "coarse_label", coarse, "fine_label", fine));
        }
        return out;
    }

    /** HF glue: GLUE tsv (no quoting), labels as class ids (entailment = 0), idx = row number. */
    static List<Map<String, Object>> glue(Path d, String sub, String split) throws IOException {
        Path f = d.resolve("glue/" + GLUE_DIRS.get(sub) + "/" + split + ".tsv");
        List<String> ls = lines(f, StandardCharsets.UTF_8);
        if (!ls.isEmpty() && ls.get(0).startsWith("\uFEFF")) ls.set(0, ls.get(0).substring(1));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = sub.equals("cola") ? 0 : 1; i < ls.size(); i++) {
            String[] x = ls.get(i).split("\t", -1);
            int idx = out.size();
            try {
                out.add(switch (sub) {
                    case "cola" -> row("sentence", x[3], "label", Integer.parseInt(x[1]), "idx", idx);
                    case "sst2" -> row("sentence", x[0], "label", Integer.parseInt(x[1]), "idx", idx);
                    case "mrpc" -> row("sentence1", x[3], "sentence2", x[4], "label", Integer.parseInt(x[0]), "idx",
                            idx);
                    case "stsb" -> row("sentence1", x[7], "sentence2", x[8], "label", Double.parseDouble(x[9]), "idx",
                            idx);
                    case "qnli" -> row("question", x[1], "sentence", x[2], "label", nli(x[3]), "idx", idx);
                    default -> row("sentence1", x[1], "sentence2", x[2], "label", nli(x[3]), "idx", idx);
                });
            } catch (RuntimeException e) {
                throw UserError.at(f, i + 1, null, "not a GLUE " + sub + " row: " + e.getMessage());
            }
        }
        return out;
    }

    private static int nli(String label) {
        return switch (label) {
            case "entailment" -> 0;
            case "not_entailment" -> 1;
            default -> throw new IllegalArgumentException("label '" + label + "' (entailment | not_entailment)");
        };
    }

    /** HF super_glue: labels as class ids; wsc.fixed flattens target and applies HF's _fix_wst. */
    static List<Map<String, Object>> superGlue(Path d, String sub, String split) throws IOException {
        String dir = switch (sub) {
            case "rte" -> "RTE";
            case "wsc.fixed" -> "WSC";
            case "boolq" -> "BoolQ";
            default -> "WiC";
        };
        Path f = d.resolve("superglue/" + dir + "/" + split + ".jsonl");
        List<Map<String, Object>> out = new ArrayList<>();
        int line = 0;
        for (JsonNode x : jsonl(f)) {
            line++;
            for (String k : switch (sub) {
                case "rte" -> List.of("premise", "hypothesis", "label", "idx");
                case "boolq" -> List.of("question", "passage", "label", "idx");
                case "wic" -> List.of("word", "sentence1", "sentence2", "start1", "start2", "end1", "end2", "label",
                        "idx");
                default -> List.of("text", "target", "label", "idx");
            }) if (!x.has(k)) throw missing(f, line, k);
            out.add(switch (sub) {
                case "rte" -> row("premise", x.get("premise").asText(), "hypothesis", x.get("hypothesis").asText(),
                        "idx", x.get("idx").asInt(), "label", x.get("label").asText().equals("entailment") ? 0 : 1);
                case "boolq" -> row("question", x.get("question").asText(), "passage", x.get("passage").asText(),
                        "idx", x.get("idx").asInt(), "label", x.get("label").asBoolean() ? 1 : 0);
                case "wic" -> row("word", x.get("word").asText(), "sentence1", x.get("sentence1").asText(),
                        "sentence2", x.get("sentence2").asText(), "start1", x.get("start1").asInt(),
                        "start2", x.get("start2").asInt(), "end1", x.get("end1").asInt(), "end2", x.get("end2").asInt(),
                        "idx", x.get("idx").asInt(), "label", x.get("label").asBoolean() ? 1 : 0);
                default -> fixWsc(row("text", x.get("text").asText(),
                        "span1_index", x.get("target").path("span1_index").asInt(),
                        "span2_index", x.get("target").path("span2_index").asInt(),
                        "span1_text", x.get("target").path("span1_text").asText(),
                        "span2_text", x.get("target").path("span2_text").asText(),
                        "idx", x.get("idx").asInt(), "label", x.get("label").asBoolean() ? 1 : 0));
            });
        }
        return out;
    }

    /** HF super_glue {@code _fix_wst} (wsc.fixed): spans that are not substrings of the text get their case/dot fixed.
     * */
    static Map<String, Object> fixWsc(Map<String, Object> ex) {
        String text = (String) ex.get("text");
        for (String k : List.of("span1", "span2")) {
            String span = (String) ex.get(k + "_text");
            int index = (Integer) ex.get(k + "_index");
            if (text.contains(span) || span.equals("Kamenev and Zinoviev") || span.equals(
                    "Kamenev, Zinoviev, and Stalin"))
                continue;
            if (span.contains("theyscold")) ex.put("span2_index", 10);
            String first = PyValues.splitWhitespace(text).get(index);
            span = (Character.isLowerCase(first.charAt(0)) ? span.substring(0, 1).toLowerCase() : span.substring(0, 1)
                    .toUpperCase())
                    + span.substring(1);
            while (span.endsWith(".")) span = span.substring(0, span.length() - 1);
            ex.put(k + "_text", span.replace("\n", " "));
        }
        return ex;
    }
}
