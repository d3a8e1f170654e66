package dev.t5j.data.tasks;

import dev.t5j.data.DataCatalog;
import dev.t5j.data.DataSource;
import dev.t5j.data.Example;
import dev.t5j.data.Feature;
import dev.t5j.data.FileSplits;
import dev.t5j.data.JsonlSource;
import dev.t5j.data.Mixture;
import dev.t5j.data.Postprocessor;
import dev.t5j.data.Preprocessor;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.Rate;
import dev.t5j.data.Task;
import dev.t5j.data.TsvSource;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * GLUE and SuperGLUE in ruse/HyperFormer's text-to-text format (hyperformer data/tasks.py, reference B.5): inputs
 * {@code "<task> field1: a field2: b"}, targets the class id as text (STS-B: the score rounded to one decimal),
 * HyperFormer's splits ({@link HyperFormerSplits}), postprocessors ({@code string_to_int} for cola/mrpc/qqp,
 * {@code string_to_float} for stsb) and metrics. Files are GLUE's tsv and SuperGLUE's jsonl under
 * {@code DATA/glue/<Task>/} and {@code DATA/superglue/<Task>/}; they are only opened when a task is read.
 */
public final class GlueTasks {
    /** HyperFormer's {@code string_to_int}: the prediction as an integer, "-1" when it is not one. */
    public static final Postprocessor STRING_TO_INT = (text, ex, isTarget) -> {
        try {
            return Integer.toString(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return "-1";
        }
    };
    /** HyperFormer's {@code string_to_float}: the prediction as a number, "-1.0" when it is not one. */
    public static final Postprocessor STRING_TO_FLOAT = (text, ex, isTarget) -> {
        try {
            return Double.toString(Double.parseDouble(text.strip()));
        } catch (NumberFormatException e) {
            return "-1.0";
        }
    };
    /** The paper's eight GLUE tasks (HyperFormer configs); qqp, mnli and qnli need their training files. */
    public static final List<String> HYPERFORMER_GLUE = List.of("rte", "sst2", "mrpc", "stsb", "qqp", "mnli", "qnli",
            "cola");
    /** The GLUE tasks whose training files ship with the project's shared data. */
    public static final List<String> GLUE_SMALL = List.of("rte", "sst2", "mrpc", "stsb", "cola");

    private GlueTasks() {}

    /** One task: how its rows become {@code [field: value ...]} text and a target. */
    private record Def(String name, DataSource source, Function<Example, List<String>> fields,
                       Function<Example, String> target, Postprocessor post, List<String> metrics) {}

    /** Registers every task and the mixtures {@code hyperformer_glue} and {@code glue_small}. */
    public static void register(DataCatalog catalog, Vocabulary vocab, Path dataDir) {
        Path glue = dataDir.resolve("glue");
        Path sg = dataDir.resolve("superglue");
        List<Def> defs = new ArrayList<>();
        defs.add(new Def("cola", HyperFormerSplits.small(tsv(glue.resolve("CoLA"), List.of("source", "label",
                "judgement", "sentence"), 0,
                "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("sentence:", e.string("sentence")), e -> e.string("label"), STRING_TO_INT, List.of(
                        "mcc")));
        defs.add(new Def("sst2", HyperFormerSplits.large(tsv(glue.resolve("SST-2"), List.of("sentence", "label"), 1,
                "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("sentence:", e.string("sentence")), e -> e.string("label"), null, List.of("accuracy")));
        defs.add(new Def("mrpc", HyperFormerSplits.small(tsv(glue.resolve("MRPC"), List.of("label", "id1", "id2",
                "sentence1", "sentence2"), 1,
                "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("sentence1:", e.string("sentence1"), "sentence2:", e.string("sentence2")), e -> e.string(
                        "label"),
                STRING_TO_INT, List.of("f1_invalid", "accuracy")));
        defs.add(new Def("stsb", HyperFormerSplits.small(tsv(glue.resolve("STS-B"), List.of("index", "genre",
                "filename", "year",
                "old_index", "source1", "source2", "sentence1", "sentence2", "score"), 1, "train.tsv", "dev.tsv"),
                        "train", "validation"),
                e -> List.of("sentence1:", e.string("sentence1"), "sentence2:", e.string("sentence2")),
                e -> stsbTarget(e, e.string("score")), STRING_TO_FLOAT, List.of("pearson", "spearman")));
        defs.add(new Def("qqp", HyperFormerSplits.large(tsv(glue.resolve("QQP"), List.of("id", "qid1", "qid2",
                "question1", "question2",
                "is_duplicate"), 1, "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("question1:", e.string("question1"), "question2:", e.string("question2")), e -> e.string(
                        "is_duplicate"),
                STRING_TO_INT, List.of("f1_invalid", "accuracy")));
        defs.add(new Def("mnli", mnli(glue.resolve("MNLI")),
                e -> List.of("premise:", e.string("sentence1"), "hypothesis", e.string("sentence2")),
                        // sic: no colon (B.5)
                e -> mnliLabel(e, e.string("gold_label")), null, List.of("accuracy")));
        defs.add(new Def("qnli", HyperFormerSplits.large(tsv(glue.resolve("QNLI"), List.of("index", "question",
                "sentence", "label"), 1,
                "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("question:", e.string("question"), "sentence:", e.string("sentence")), e -> entailment(e,
                        e.string("label")),
                null, List.of("accuracy")));
        defs.add(new Def("rte", HyperFormerSplits.small(tsv(glue.resolve("RTE"), List.of("index", "sentence1",
                "sentence2", "label"), 1,
                "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("sentence1:", e.string("sentence1"), "sentence2:", e.string("sentence2")), e
                        -> entailment(e, e.string("label")),
                null, List.of("accuracy")));
        defs.add(new Def("wnli", HyperFormerSplits.small(tsv(glue.resolve("WNLI"), List.of("index", "sentence1",
                "sentence2", "label"), 1,
                "train.tsv", "dev.tsv"), "train", "validation"),
                e -> List.of("sentence1:", e.string("sentence1"), "sentence2:", e.string("sentence2")), e -> e.string(
                        "label"),
                null, List.of("accuracy")));
        defs.add(new Def("superglue-boolq", HyperFormerSplits.small(jsonl(sg.resolve("BoolQ")), "train", "validation"),
                e -> List.of("question:", e.string("question"), "passage:", e.string("passage")), e -> bool(e, "label"),
                null, List.of("accuracy")));
        defs.add(new Def("superglue-rte", sameValidationAndTest(jsonl(sg.resolve("RTE"))),
                e -> List.of("premise:", e.string("premise"), "hypothesis:", e.string("hypothesis")), e -> entailment(
                        e, e.string("label")),
                null, List.of("accuracy")));
        defs.add(new Def("superglue-cb", HyperFormerSplits.small(jsonl(sg.resolve("CB")), "train", "validation"),
                e -> List.of("premise:", e.string("premise"), "hypothesis:", e.string("hypothesis")), e -> cbLabel(e,
                        e.string("label")),
                null, List.of("accuracy")));
        for (Def d : defs) catalog.add(task(d, vocab));
        Rate byExamples = Rate.numExamples(1.0, 0, 1.0);
        catalog.add(Mixture.of("hyperformer_glue", byExamples,
                HYPERFORMER_GLUE.stream().map(catalog::get).toList()));
        catalog.add(Mixture.of("glue_small", byExamples, GLUE_SMALL.stream().map(catalog::get).toList()));
    }

    /** HyperFormer's {@code seq2seq_format} with {@code add_prefix}: the task name, then the fields, space-joined. */
    static Preprocessor format(String name, Function<Example, List<String>> fields, Function<Example, String> target) {
        return Preprocessors.map(name + "_format", e -> {
            List<String> src = new ArrayList<>();
            src.add(name);
            src.addAll(fields.apply(e));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inputs", String.join(" ", src));
            m.put("targets", target.apply(e));
            return e.replaceFields(m);
        });
    }

    private static Task task(Def d, Vocabulary vocab) {
        Task.Builder b = Task.builder(d.name)
                .source(d.source)
                .preprocessor(format(d.name, d.fields, d.target))
                .preprocessor(Preprocessors.tokenize(true, false))
                .preprocessor(Preprocessors.appendEos())
                .feature("inputs", new Feature(vocab, true, true))
                .feature("targets", new Feature(vocab, true, true))
                .description("GLUE/SuperGLUE in ruse/HyperFormer's text-to-text format");
        if (d.post != null) b.postprocessor(d.post);
        for (String m : d.metrics) b.metric(m);
        return b.build();
    }

    /** {@code str(np.round((label * 5) / 5, decimals=1))}: numpy rounds half to even at one decimal. */
    static String stsbTarget(Example e, String score) {
        double v;
        try {
            v = Double.parseDouble(score);
        } catch (NumberFormatException ex) {
            throw e.bad("score", "not a number: '" + score + "'");
        }
        return Double.toString(Math.rint(v * 5 / 5 * 10) / 10);
    }

    /** HF glue/super_glue label ids: entailment 0, not_entailment 1. */
    static String entailment(Example e, String label) {
        return classId(e, "label", label, List.of("entailment", "not_entailment"));
    }

    static String mnliLabel(Example e, String label) {
        return classId(e, "gold_label", label, List.of("entailment", "neutral", "contradiction"));
    }

    static String cbLabel(Example e, String label) {
        return classId(e, "label", label, List.of("entailment", "contradiction", "neutral"));
    }

    /** The HF class id of {@code label}: its position in {@code names}. */
    private static String classId(Example e, String key, String label, List<String> names) {
        int i = names.indexOf(label);
        if (i < 0) throw e.bad(key, "expected one of " + String.join(", ", names) + ", got '" + label + "'");
        return Integer.toString(i);
    }

    /** A JSON boolean label as HF's class id: false 0, true 1. */
    static String bool(Example e, String key) {
        Object v = e.get(key);
        if (v instanceof Boolean b) return b ? "1" : "0";
        throw e.bad(key, "expected true or false, got " + v);
    }

    private static TsvSource tsv(Path dir, List<String> fields, int header, String train, String validation) {
        return new TsvSource(new FileSplits(Map.of("train", List.of(train), "validation", List.of(validation)), dir),
                fields, header);
    }

    private static JsonlSource jsonl(Path dir) {
        return new JsonlSource(new FileSplits(Map.of("train", List.of("train.jsonl"), "validation", List.of(
                "val.jsonl")), dir));
    }

    /** Tasks in neither of HyperFormer's lists (superglue-rte): validation and test are both the validation set. */
    private static HyperFormerSplits sameValidationAndTest(DataSource base) {
        Map<String, HyperFormerSplits.Selection> m = new LinkedHashMap<>();
        m.put("train", new HyperFormerSplits.Selection("train", HyperFormerSplits.Part.ALL));
        m.put("validation", new HyperFormerSplits.Selection("validation", HyperFormerSplits.Part.ALL));
        m.put("test", new HyperFormerSplits.Selection("validation", HyperFormerSplits.Part.ALL));
        return new HyperFormerSplits(base, m);
    }

    /** MNLI: validation = dev_mismatched, test = dev_matched (the 16-column GLUE dev files; train has 12 columns). */
    private static HyperFormerSplits mnli(Path dir) {
        List<String> dev = List.of("index", "promptID", "pairID", "genre", "sentence1_binary_parse",
                "sentence2_binary_parse",
                "sentence1_parse", "sentence2_parse", "sentence1", "sentence2", "label1", "label2", "label3",
                        "label4", "label5",
                "gold_label");
        List<String> train = new ArrayList<>(dev.subList(0, 11));
        train.add("gold_label");
        DataSource trainSrc = new TsvSource(new FileSplits(Map.of("train", List.of("train.tsv")), dir), train, 1);
        DataSource devSrc = new TsvSource(new FileSplits(Map.of("validation_mismatched", List.of("dev_mismatched.tsv"),
                "validation_matched", List.of("dev_matched.tsv")), dir), dev, 1);
        return new HyperFormerSplits(new UnionSource(trainSrc, devSrc), Map.of(
                "train", new HyperFormerSplits.Selection("train", HyperFormerSplits.Part.ALL),
                "validation", new HyperFormerSplits.Selection("validation_mismatched", HyperFormerSplits.Part.ALL),
                "test", new HyperFormerSplits.Selection("validation_matched", HyperFormerSplits.Part.ALL)));
    }
}
