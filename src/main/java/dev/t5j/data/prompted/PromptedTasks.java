package dev.t5j.data.prompted;

import dev.t5j.common.UserError;
import dev.t5j.data.BadExampleError;
import dev.t5j.data.BadLines;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.DataSource;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Feature;
import dev.t5j.data.Mixture;
import dev.t5j.data.PreprocessContext;
import dev.t5j.data.Preprocessor;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.Rate;
import dev.t5j.data.Shard;
import dev.t5j.data.Task;
import dev.t5j.prompts.JinjaEnvironment;
import dev.t5j.prompts.PromptTemplate;
import dev.t5j.prompts.Prompts;
import dev.t5j.prompts.TemplateFile;
import dev.t5j.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * T0's tasks and mixtures (t-zero t0/seqio_tasks/tasks.py), registered when the data directory has
 * {@code promptsource/templates}: one task per (dataset, subset, template) of t-zero's datasets.csv and of every
 * dataset t5j can read ({@link HfDatasets}), named as t-zero names them; a {@code _score_eval} twin for templates
 * with answer choices; mixtures t0_train, t0+_train, t0++_train, t0_train_one_og_prompt, t0_train_all_og_prompts
 * (rate = train_size, or 500,000 / #templates above 500,000) and t0_eval_score_eval. Inputs carry no EOS, targets do.
 * Members whose dataset is not on disk stay in the mixtures; reading them fails with a message naming the dataset.
 */
public final class PromptedTasks {
    /** t-zero MAX_EXAMPLES_PER_DATASET. */
    public static final int MAX_EXAMPLES_PER_DATASET = 500_000;
    /** Suffix of the rank-classification twin of a prompted task (t-zero's {@code _score_eval} tasks). */
    public static final String SCORE_EVAL = "_score_eval";
    /** t-zero TASK_BLACKLIST (prompts too long or broken). */
    static final Set<String> TASK_BLACKLIST = Set.of("hotpot_qa_distractor_Generate_Explanations",
            "hotpot_qa_fullwiki_Generate_Explanations", "hotpot_qa_distractor_Generate_Answer_and_Explanations",
            "hotpot_qa_fullwiki_Generate_Answer_and_Explanations", "hotpot_qa_fullwiki_Generate_Answer",
            "hotpot_qa_distractor_Generate_Answer", "hotpot_qa_distractor_Generate_Title_2",
            "hotpot_qa_fullwiki_Generate_Title_2", "hotpot_qa_fullwiki_Generate_Title_1",
            "hotpot_qa_distractor_Generate_Title_1", "hotpot_qa_distractor_Generate_Question",
            "hotpot_qa_fullwiki_Generate_Question", "tab_fact_tab_fact_tab_fact_3", "tab_fact_tab_fact_tab_fact_2",
            "tab_fact_tab_fact_tab_fact_1", "tab_fact_tab_fact_tab_fact_7", "tab_fact_tab_fact_tab_fact_4",
            "tab_fact_tab_fact_tab_fact_5", "tab_fact_tab_fact_tab_fact_6",
                    "wiki_hop_masked_Choose_Best_Object_Candidate",
            "wiki_hop_masked_Indirect_Question_about_Birthplace_Citizenship_Place_of_Death", "narrativeqa_Template_05",
            "ecthr_cases_alleged_violation_prediction_silver_rationales", "gigaword_summarize_");
    private static final Pattern UNCLEAN = Pattern.compile("[^\\w\\d._]+", Pattern.UNICODE_CHARACTER_CLASS);

    private PromptedTasks() {}

    /** t-zero {@code get_task_name}: {@code re.sub(r"[^\w\d\._]+", "_", dataset_subset_template)}. */
    public static String taskName(String dataset, String subset, String template) {
        return UNCLEAN.matcher(dataset + (subset != null ? "_" + subset + "_" : "_") + template).replaceAll("_");
    }

    /** One row of t-zero's datasets.csv. */
    public record DatasetRow(String dataset, String subset, String doTrain, String doEval, long trainSize) {
        public String key() {
            return subset == null ? dataset : dataset + "/" + subset;
        }
    }

    public static List<DatasetRow> datasetsCsv() {
        List<DatasetRow> out = new ArrayList<>();
        try (var in = PromptedTasks.class.getResourceAsStream("datasets.csv")) {
            List<List<String>> rows = Csv.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            for (List<String> r : rows.subList(1, rows.size()))
                out.add(new DatasetRow(r.get(0), r.get(1).isEmpty() ? null : r.get(1), r.get(3), r.get(4),
                        r.get(5).isEmpty() ? 0 : Long.parseLong(r.get(5))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Registers the prompted tasks and T0 mixtures; nothing when {@code DATA/promptsource/templates} is absent. */
    public static void register(DataCatalog catalog, Vocabulary vocab, Path dataDir) {
        Path tdir = dataDir.resolve("promptsource/templates");
        if (!Files.isDirectory(tdir)) return;
        Map<String, Map<String, HfDatasets.Split>> readers = HfDatasets.all();
        List<DatasetRow> csv = datasetsCsv();
        Map<String, DatasetRow> byKey = new LinkedHashMap<>();
        for (DatasetRow r : csv) byKey.putIfAbsent(r.key(), r);
        Set<String> keys = new LinkedHashSet<>(byKey.keySet());
        keys.addAll(readers.keySet());
        keys.remove("anli"); // t-zero special-cases ANLI's rounds; its data is not shipped
        Map<String, List<String>> tasksOf = new LinkedHashMap<>(), ogTasksOf = new LinkedHashMap<>();
        Map<String, Integer> templateCount = new LinkedHashMap<>();
        for (String key : keys) {
            Path f = tdir.resolve(key).resolve("templates.yaml");
            if (!Files.isRegularFile(f)) continue;
            TemplateFile tf = TemplateFile.load(f);
            DataSource src = readers.containsKey(key) ? new HfRowsSource(key, dataDir, readers.get(key))
                    : new MissingSource(key, dataDir);
            List<String> names = new ArrayList<>(), og = new ArrayList<>();
            for (PromptTemplate t : tf.templates()) {
                String name = taskName(tf.dataset(), tf.subset(), t.name());
                if (catalog.contains(name)) continue;
                catalog.add(task(name, src, f, t, vocab, false));
                if (t.answerChoices() != null) catalog.add(task(name + SCORE_EVAL, src, f, t, vocab, true));
                names.add(name);
                if (t.originalTask()) og.add(name);
            }
            tasksOf.put(key, names);
            ogTasksOf.put(key, og);
            templateCount.put(key, tf.templates().size());
        }
        mixture(catalog, "t0_train", csv, List.of("BASE"), tasksOf, templateCount, false);
        mixture(catalog, "t0+_train", csv, List.of("BASE", "GPT_EVAL"), tasksOf, templateCount, false);
        mixture(catalog, "t0++_train", csv, List.of("BASE", "GPT_EVAL", "SGLUE"), tasksOf, templateCount, false);
        mixture(catalog, "t0_train_one_og_prompt", csv, List.of("BASE"), ogTasksOf, templateCount, true);
        mixture(catalog, "t0_train_all_og_prompts", csv, List.of("BASE"), ogTasksOf, templateCount, false);
        List<String> eval = new ArrayList<>();
        for (DatasetRow r : csv)
            if (r.doEval().equals("BASE"))
                for (String t : ogTasksOf.getOrDefault(r.key(), List.of()))
                    if (catalog.contains(t + SCORE_EVAL) && !eval.contains(t + SCORE_EVAL))
                        eval.add(t + SCORE_EVAL);
        // t-zero mixes these by number of examples (max 500,000); rates do not matter for evaluation, so 1 each
        if (!eval.isEmpty()) catalog.add(Mixture.of("t0_eval_score_eval", Rate.fixed(1),
                eval.stream().map(catalog::get).toList()));
    }

    private static void mixture(DataCatalog catalog, String name, List<DatasetRow> csv, List<String> groups,
                                Map<String, List<String>> tasksOf, Map<String, Integer> templateCount,
                                        boolean firstOnly) {
        List<Mixture.Entry> entries = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (DatasetRow r : csv) {
            if (!groups.contains(r.doTrain()) || !seen.add(r.key()) || !tasksOf.containsKey(r.key())) continue;
            long cap = r.trainSize() > MAX_EXAMPLES_PER_DATASET
                    ? MAX_EXAMPLES_PER_DATASET / templateCount.get(r.key()) : r.trainSize();
            List<String> ts = tasksOf.get(r.key()).stream().filter(t -> !TASK_BLACKLIST.contains(t)).toList();
            for (String t : firstOnly ? ts.subList(0, Math.min(1, ts.size())) : ts)
                entries.add(new Mixture.Entry(catalog.get(t), Rate.fixed(cap)));
        }
        if (!entries.isEmpty()) catalog.add(new Mixture(name, entries));
    }

    private static Task task(String name, DataSource src, Path templates, PromptTemplate t, Vocabulary vocab,
            boolean score) {
        Task.Builder b = Task.builder(name).source(src)
                .preprocessor(score ? rankClassification(src, templates, t) : applyTemplate(src, templates, t))
                .preprocessor(Preprocessors.tokenize(true, false))
                .preprocessor(Preprocessors.appendEos())
                .feature("inputs", new Feature(vocab, false, true))
                .feature("targets", new Feature(vocab, true, true))
                .description((score ? "rank classification of " : "") + "promptsource template '" + t.name() + "'");
        if (!score && t.metadata().metrics().contains("Accuracy")) b.metric("accuracy");
        return b.build();
    }

    /** The row behind an example (HfRowsSource keeps nested values), rendered; errors name file, line, template. */
    static Prompts.Rendered render(DataSource src, Path templates, PromptTemplate t, Example e, PreprocessContext ctx) {
        long row = e.has(HfRowsSource.ROW) ? ((Number) e.get(HfRowsSource.ROW)).longValue() : e.origin().line() - 1;
        Map<String, Object> fields = src instanceof HfRowsSource h ? h.rows(ctx.split()).get((int) row) : e.asMap();
        try {
            return Prompts.render(t, fields, row);
        } catch (JinjaEnvironment.RenderError err) {
            throw new BadExampleError(e.origin(), null, "template '" + t.name() + "' (" + t.id() + ", " + templates
                    + "): "
                    + err.getMessage());
        }
    }

    /** t-zero apply_template: inputs/targets (empty target → "<NO LABEL>"); empty renders dropped. */
    static Preprocessor applyTemplate(DataSource src, Path templates, PromptTemplate t) {
        return new Preprocessor.PerExample() {
            @Override
            public String name() {
                return "apply_template";
            }

            @Override
            public Example map(Example e, PreprocessContext ctx, RandomGenerator rng) {
                Prompts.Rendered r = render(src, templates, t, e, ctx);
                if (!r.kept()) return null;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("inputs", r.inputs());
                m.put("targets", r.targets());
                if (r.answerChoices() != null) m.put("answer_choices", r.answerChoices());
                return e.replaceFields(m);
            }
        };
    }

    /**
     * t5 {@code rank_classification} as t-zero configures it: one example per answer choice (inputs repeated,
     * targets = the choice, {@code is_correct = choice == strip(target)}), with {@code idx} and {@code choice}.
     * A target outside the choices is an error (t-zero's evaluation asserts it).
     */
    static Preprocessor rankClassification(DataSource src, Path templates, PromptTemplate t) {
        return new Preprocessor.FlatMap() {
            @Override
            public String name() {
                return "rank_classification";
            }

            @Override
            public List<Example> flatMap(Example e, PreprocessContext ctx, RandomGenerator rng) {
                Prompts.Rendered r = render(src, templates, t, e, ctx);
                if (!r.kept()) return List.of();
                if (!r.answerChoices().contains(r.targets()))
                    throw new BadExampleError(e.origin(), null, "template '" + t.name() + "' (" + t.id() + "): target '"
                            + r.targets() + "' is not among the answer choices " + r.answerChoices());
                List<Example> out = new ArrayList<>();
                for (int i = 0; i < r.answerChoices().size(); i++) {
                    String c = r.answerChoices().get(i);
                    out.add(Example.of(Map.of("inputs", r.inputs(), "targets", c, "is_correct", c.equals(r.targets()),
                            "idx", e.origin().line() - 1, "choice", (long) i), e.origin()));
                }
                return out;
            }
        };
    }

    /** A dataset of t-zero's lists that t5j cannot read from the data directory: reading it says so. */
    static final class MissingSource implements DataSource {
        private final String key;
        private final Path dataDir;

        MissingSource(String key, Path dataDir) {
            this.key = key;
            this.dataDir = dataDir;
        }

        @Override
        public List<String> splits() {
            return List.of("train", "validation");
        }

        @Override
        public void check(String split) {
            throw new UserError("dataset " + key + " is not on disk: t5j reads only the datasets of docs/t0.md from "
                    + dataDir + " (`t5j data show --mixture NAME --allow-missing` lists the missing members)");
        }

        @Override
        public ExampleIterator open(String split, Shard shard, BadLines badLines) {
            check(split);
            return null;
        }

        @Override
        public String describe() {
            return "dataset " + key + " (missing)";
        }
    }
}
