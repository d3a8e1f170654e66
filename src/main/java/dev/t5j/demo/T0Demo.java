package dev.t5j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.Progress;
import dev.t5j.data.DataVocabularies;
import dev.t5j.data.prompted.PromptedTasks;
import dev.t5j.decoding.RankScorer;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.prompts.PromptTemplate;
import dev.t5j.prompts.TemplateFile;
import dev.t5j.run.ConfigTree;
import dev.t5j.tokenizer.SentencePieceModel;
import dev.t5j.tokenizer.TrainerConfig;
import dev.t5j.tokenizer.VocabTrainer;
import dev.t5j.tokenizer.Vocabulary;
import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code t5j t0 demo}: T0's recipe (Sanh et al. 2022) at a size a CPU trains in minutes. A small T5 is trained from
 * scratch on a multitask mixture of held-in datasets rendered through their promptsource templates (a few templates
 * of each held out), and the same model on the same rows as raw fields ({@code "sentence: ..." → positive}); both are
 * then evaluated zero-shot by rank classification on the held-out templates and on a held-out dataset of a seen task
 * cluster whose templates and files training never read. Binary tasks, label-balanced samples: chance is 50%.
 * Everything it reads ships with t5j ({@code dev/t5j/demo/t0/SOURCE.md}); it writes {@code OUT/config.yaml},
 * {@code OUT/metrics.jsonl}, {@code OUT/predictions.jsonl}, {@code OUT/report.json} and {@code OUT/report.md}.
 */
public final class T0Demo {
    static final String PROMPTED_MIXTURE = "t0demo_prompted";
    static final String RAW_MIXTURE = "t0demo_raw";

    /** A held-in dataset: its raw fields and HF label names, and the templates kept out of training. */
    public record HeldIn(String dataset, List<String> fields, List<String> labelNames, List<String> heldOutTemplates) {}

    /** A held-out dataset: evaluated on every template with answer choices, on {@code split}. */
    public record HeldOut(String dataset, String split, List<String> fields) {}

    /**
     * What is trained and what is held out. Training uses the held-in templates with answer choices (open-ended
     * ones such as MRPC's generate_paraphrase are left out: a small model spends its steps on them).
     */
    public record Protocol(List<HeldIn> heldIn, List<HeldOut> heldOut) {
        /**
         * Sentiment and paraphrase held in; Rotten Tomatoes (sentiment) held out, as imdb/rotten_tomatoes are in T0's
         * sentiment cluster. SST-2's "happy or mad" and MRPC's "same thing" are the held-out templates.
         */
        public static Protocol defaults() {
            return new Protocol(List.of(
                    new HeldIn("glue/sst2", List.of("sentence"), List.of("negative", "positive"),
                            List.of("happy or mad")),
                    new HeldIn("glue/mrpc", List.of("sentence1", "sentence2"), List.of("not_equivalent",
                            "equivalent"), List.of("same thing"))),
                    List.of(new HeldOut("rotten_tomatoes", "test", List.of("text"))));
        }
    }

    /**
     * The demonstration's knobs (the defaults are what docs/t0.md and BENCHMARKS.md report).
     *
     * @param trainRows    rows of each held-in dataset kept for training (0: all that ship)
     * @param evalExamples label-balanced examples per evaluated template
     * @param vocabSize    SentencePiece pieces trained on the held-in training text (plus T5's 100 sentinels)
     * @param resume       a training run whose directory holds the same resolved config continues from its last
     *                     checkpoint (a finished one is reused as it is); otherwise every run starts from scratch
     */
    public record Options(Path out, String preset, long steps, int batchSize, int inputsLength, int targetsLength,
                          double lr, int trainRows, int evalExamples, int vocabSize, int threads, long seed,
                          Protocol protocol, List<String> overrides, boolean resume) {
        public static Options defaults(Path out) {
            return new Options(out, "quickstart", 1000, 32, 128, 16, 2e-3, 0, 200, 4000, 1, 0, Protocol.defaults(),
                    List.of(), false);
        }
    }

    /** Where the demo wrote its results. */
    public record Result(Path report, Path reportMarkdown, Path predictions, T0DemoReport.Summary summary) {}

    private final Options o;
    private final PrintStream log;

    public T0Demo(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    public Result run() throws IOException {
        Torch.init(o.threads());
        Torch.setThreads(o.threads());
        Files.createDirectories(o.out());
        AtomicFiles.writeString(o.out().resolve("config.yaml"), ConfigTree.toYaml(o));
        T0DemoReport report = new T0DemoReport(o);
        Path data = o.out().resolve("data");
        T0DemoData.copy(data);

        // held-out texts first: held-in training rows that also occur in them are removed before anything reads them
        List<String> heldOutTexts = new ArrayList<>();
        for (HeldOut h : o.protocol().heldOut())
            for (String split : List.of("validation", "test"))
                for (Map<String, Object> r : T0DemoData.rows(data, h.dataset(), split))
                    heldOutTexts.add(T0DemoData.text(r, h.fields()));
        Map<String, List<PromptTemplate>> trainTemplates = new LinkedHashMap<>();
        Map<String, Path> rawFiles = new LinkedHashMap<>();
        Map<String, Integer> rowsOf = new LinkedHashMap<>();
        StringBuilder corpus = new StringBuilder();
        for (HeldIn h : o.protocol().heldIn()) {
            int[] kd = T0DemoData.cutAndDecontaminate(data, h.dataset(), h.fields(), o.trainRows(), heldOutTexts);
            report.decontamination(h.dataset(), kd[0], kd[1]);
            log.printf(Locale.ROOT, "t5j: %s: %d training rows (%d dropped: their text occurs in a held-out"
                    + " dataset)%n", h.dataset(), kd[0], kd[1]);
            List<Map<String, Object>> rows = T0DemoData.rows(data, h.dataset(), "train");
            rowsOf.put(h.dataset(), rows.size());
            List<PromptTemplate> ts = new ArrayList<>();
            for (PromptTemplate t : T0DemoData.templates(data, h.dataset()).templates())
                if (t.answerChoices() != null && !h.heldOutTemplates().contains(t.name())) ts.add(t);
            for (String name : h.heldOutTemplates()) T0DemoData.templates(data, h.dataset()).template(name); // exists
            trainTemplates.put(h.dataset(), ts);
            rawFiles.put(h.dataset(), T0DemoData.writeRaw(data.resolve("raw").resolve(h.dataset().replace('/', '_')
                    + ".jsonl"), rows, h.fields(), h.labelNames()));
            // the tokenizer learns from what training reads: each row through one held-in template, and raw
            for (int i = 0; i < rows.size(); i++) {
                var r = T0DemoData.render(ts.get(i % ts.size()), rows, List.of(i));
                if (!r.isEmpty()) corpus.append(r.get(0).inputs()).append(' ')
                        .append(r.get(0).choices().get(r.get(0).label())).append('\n');
                corpus.append(T0DemoData.raw(rows.get(i), h.fields(), h.labelNames()).values()).append('\n');
            }
        }
        Path taskFile = T0DemoData.writeTaskFile(data.resolve("t0demo-tasks.json"), trainTemplates, rawFiles, rowsOf);

        long t0 = System.nanoTime();
        Path corpusFile = data.resolve("vocab-corpus.txt");
        AtomicFiles.writeString(corpusFile, corpus.toString());
        SentencePieceModel spm = VocabTrainer.train(TrainerConfig.defaults(List.of(corpusFile), o.vocabSize(),
                SentencePieceModel.UNIGRAM).withThreads(1));
        Path spiece = VocabTrainer.write(spm, o.out().resolve("vocab"));
        report.stage("vocabulary", t0);
        Vocabulary vocab = DataVocabularies.load(spiece);
        log.printf(Locale.ROOT, "t5j: vocabulary: %d pieces + %d sentinels, trained on the held-in text%n",
                spm.size(), vocab.extraIds());

        List<String> common = new ArrayList<>(List.of("model.preset=" + o.preset(),
                "model.vocab_size=" + vocab.vocabSize(), "data.vocab=" + spiece, "data.data_dir=" + data,
                "data.task_files=[" + taskFile + "]", "data.inputs_length=" + o.inputsLength(),
                "data.targets_length=" + o.targetsLength(), "data.pack=true", "data.batch_size=" + o.batchSize(),
                "optimizer.name=adamw", "schedule.kind=cosine", "schedule.lr=" + o.lr(),
                "schedule.warmup=" + Math.max(1, o.steps() / 10), "train.steps=" + o.steps(),
                "train.threads=" + o.threads(), "train.seed=" + o.seed(), "train.log_every=" + Math.max(1,
                        o.steps() / 10), "eval.examples=0", "checkpoint.every=" + o.steps(), "checkpoint.keep=1"));
        common.addAll(o.overrides());
        Map<String, Path> models = new LinkedHashMap<>();
        String[][] runs = {{"prompted", PROMPTED_MIXTURE}, {"raw", RAW_MIXTURE}};
        for (int i = 0; i < runs.length; i++) {
            Path dir = o.out().resolve(runs[i][0]);
            List<String> cfg = new ArrayList<>(common);
            cfg.add("data.task=" + runs[i][1]);
            cfg.add("out=" + dir);
            TrainConfig tc = TrainConfig.load(null, cfg);
            Path saved = dir.resolve("config.yaml");
            boolean resume = o.resume() && Files.isRegularFile(saved) && Files.readString(saved).equals(tc.toYaml());
            if (!resume) AtomicFiles.deleteRecursively(dir); // otherwise a rerun of the demo retrains from scratch
            log.printf(Locale.ROOT, "t5j: [%d/%d] %s on %s (%s), %d steps%n", i + 1, runs.length,
                    resume ? "resuming training" : "training", runs[i][1],
                    runs[i][0].equals("raw") ? "raw fields" : "held-in prompts", o.steps());
            t0 = System.nanoTime();
            Trainer.Result r = new Trainer(tc, log).run(resume);
            report.stage("train_" + runs[i][0], t0);
            report.training(runs[i][0], runs[i][1], Double.isNaN(r.finalLoss()) ? lastLoss(dir) : r.finalLoss());
            models.put(runs[i][0], r.runDir().resolve("model"));
        }
        report.mixtures(trainTemplates);

        t0 = System.nanoTime();
        List<EvalSet> sets = evalSets(data, trainTemplates);
        long total = models.size() * sets.stream().mapToLong(s -> s.items().size()).sum();
        try (Progress p = new Progress("t0 demo: rank classification", total, "examples", log, true)) {
            for (var m : models.entrySet()) {
                try (T5ForConditionalGeneration model = Checkpoint.load(m.getValue())) {
                    RankScorer scorer = new RankScorer(model, 16);
                    for (EvalSet s : sets) {
                        List<RankScorer.Item> items = new ArrayList<>();
                        for (T0DemoData.Rendered r : s.items()) items.add(item(vocab, r));
                        RankScorer.Result[] res = scorer.score(items);
                        report.prompt(m.getKey(), s.group(), s.dataset(), s.template(), s.items(), res);
                        p.step(items.size());
                    }
                }
            }
        }
        report.stage("evaluation", t0);
        return report.write(o.out(), log);
    }

    /** The last training loss in a run's metrics.jsonl (a resumed, finished run trains no step). */
    static double lastLoss(Path runDir) throws IOException {
        double loss = Double.NaN;
        for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(line);
            if (n.has("loss")) loss = n.get("loss").asDouble();
        }
        return loss;
    }

    /** One evaluated template: its group (held-out dataset, held-out template, seen template) and rendered rows. */
    record EvalSet(String group, String dataset, String template, List<T0DemoData.Rendered> items) {}

    static final String HELD_OUT_DATASET = "held_out_dataset";
    static final String HELD_OUT_TEMPLATE = "held_out_template";
    static final String SEEN_TEMPLATE = "seen_template";

    private List<EvalSet> evalSets(Path data, Map<String, List<PromptTemplate>> trainTemplates) throws IOException {
        List<EvalSet> out = new ArrayList<>();
        for (HeldOut h : o.protocol().heldOut()) {
            var rows = T0DemoData.rows(data, h.dataset(), h.split());
            var which = T0DemoData.balanced(rows, o.evalExamples(), o.seed());
            for (PromptTemplate t : T0DemoData.templates(data, h.dataset()).templates())
                if (t.answerChoices() != null)
                    out.add(new EvalSet(HELD_OUT_DATASET, h.dataset(), t.name(), T0DemoData.render(t, rows, which)));
        }
        for (HeldIn h : o.protocol().heldIn()) {
            var rows = T0DemoData.rows(data, h.dataset(), "validation");
            var which = T0DemoData.balanced(rows, o.evalExamples(), o.seed());
            TemplateFile tf = T0DemoData.templates(data, h.dataset());
            for (String name : h.heldOutTemplates())
                out.add(new EvalSet(HELD_OUT_TEMPLATE, h.dataset(), name, T0DemoData.render(tf.template(name), rows,
                        which)));
            for (PromptTemplate t : trainTemplates.get(h.dataset()))
                out.add(new EvalSet(SEEN_TEMPLATE, h.dataset(), t.name(), T0DemoData.render(t, rows, which)));
        }
        return out;
    }

    /** T0's rank-classification item: input without EOS cut to inputs_length, each choice with EOS. */
    private RankScorer.Item item(Vocabulary vocab, T0DemoData.Rendered r) {
        int[] in = vocab.encode(r.inputs());
        in = Arrays.copyOf(in, Math.min(in.length, o.inputsLength()));
        int[][] cs = new int[r.choices().size()][];
        for (int k = 0; k < cs.length; k++) {
            int[] c = vocab.encode(r.choices().get(k));
            c = Arrays.copyOf(c, Math.min(c.length, o.targetsLength() - 1) + 1);
            c[c.length - 1] = vocab.eosId();
            cs[k] = c;
        }
        return new RankScorer.Item(in, cs);
    }

    /** The prompted task names of the held-in templates (the training mixture's members), for the report. */
    static List<String> taskNames(String dataset, List<PromptTemplate> templates) {
        String[] ds = T0DemoData.splitKey(dataset);
        return templates.stream().map(t -> PromptedTasks.taskName(ds[0], ds[1], t.name())).toList();
    }
}
