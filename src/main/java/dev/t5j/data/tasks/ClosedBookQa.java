package dev.t5j.data.tasks;

import dev.t5j.data.DataCatalog;
import dev.t5j.data.DataSource;
import dev.t5j.data.Example;
import dev.t5j.data.Feature;
import dev.t5j.data.FileSplits;
import dev.t5j.data.JsonArraySource;
import dev.t5j.data.JsonlSource;
import dev.t5j.data.Mixture;
import dev.t5j.data.Postprocessor;
import dev.t5j.data.Preprocessor;
import dev.t5j.data.Preprocessors;
import dev.t5j.data.Rate;
import dev.t5j.data.SlicedSource;
import dev.t5j.data.Task;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closed-book QA tasks of Roberts et al. 2020 ({@code t5_closed_book_qa/t5_cbqa/tasks.py}), reading the public
 * file formats from a data directory:
 * <pre>
 * DATA/nq-open/NQ-open.train.jsonl, NQ-open.dev.jsonl                  {"question", "answer": [...]}
 * DATA/web-questions/webquestions.examples.train.json, ...test.json      [{"utterance", "targetValue": "(list
 * (description X) ...)"}]
 * DATA/trivia-qa/unfiltered-web-train.json, unfiltered-web-dev.json,     {"Data": [{"Question", "Answer": {"Value",
 * "Aliases"}}]}
 *                unfiltered-web-test-without-answers.json
 * </pre>
 * Splits follow the newer CBQA code (train carved from the official train, test = official dev). Inputs get the
 * prefixes {@code nq question: }, {@code wq question: }, {@code trivia_qa question: }; {@code answers} keeps every
 * answer for evaluation (postprocessor {@code qa}). As in {@code t5_cbqa/preprocessors.py} the target is
 * {@code answers[0]} (TriviaQA: the answer's value, which {@code answers} lists first); only
 * {@code natural_questions_open_randanswer} adds {@code sample_answer}, a random answer each epoch (docs/data.md).
 */
public final class ClosedBookQa {
    public static final String NQ_PREFIX = "nq question: ";
    public static final String WQ_PREFIX = "wq question: ";
    public static final String TQA_PREFIX = "trivia_qa question: ";

    private ClosedBookQa() {}

    /** NQ-open line → inputs, answers. */
    public static Preprocessor naturalQuestionsOpen(String prefix) {
        return Preprocessors.map("natural_questions_open", e -> qa(e, prefix
                + e.string("question").strip(), e.strings("answer"), "answer"));
    }

    /** WebQuestions element → inputs, answers (the descriptions of targetValue). */
    public static Preprocessor webQuestionsOpen(String prefix) {
        return Preprocessors.map("web_questions_open", e -> qa(e, prefix + e.string("utterance").strip(),
                parseTargetValue(e, e.string("targetValue")), "targetValue"));
    }

    /**
     * TriviaQA element (flattened: Question, Answer/Value, Answer/Aliases) → inputs, answers (aliases, value first).
     */
    public static Preprocessor triviaQaOpen(String prefix) {
        return Preprocessors.map("trivia_qa_open", e -> {
            List<String> answers = new ArrayList<>();
            if (e.has("Answer/Value")) answers.add(e.string("Answer/Value"));
            if (e.has("Answer/Aliases"))
                for (String a : e.strings("Answer/Aliases")) if (!answers.contains(a)) answers.add(a);
            return qa(e, prefix + e.string("Question").strip(), answers, null);
        });
    }

    private static Example qa(Example e, String inputs, List<String> answers, String answerField) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", inputs);
        m.put("targets", answers.isEmpty() ? "" : answers.get(0)); // e.g. TriviaQA test files have no answers
        m.put("answers", answers);
        return e.replaceFields(m);
    }

    /**
     * Parses WebQuestions' {@code (list (description "Jazmine Grace Grimaldi") (description Gabriella))}: quoted
     * descriptions may contain escaped quotes; unquoted ones run to the closing parenthesis.
     */
    public static List<String> parseTargetValue(Example e, String tv) {
        List<String> out = new ArrayList<>();
        String key = "(description ";
        int i = tv.indexOf(key);
        while (i >= 0) {
            int p = i + key.length();
            if (p < tv.length() && tv.charAt(p) == '"') {
                StringBuilder sb = new StringBuilder();
                p++;
                while (p < tv.length() && tv.charAt(p) != '"') {
                    if (tv.charAt(p) == '\\' && p + 1 < tv.length()) p++;
                    sb.append(tv.charAt(p++));
                }
                if (p >= tv.length()) throw e.bad("targetValue", "unterminated quoted description in " + tv);
                out.add(sb.toString());
                p++;
            } else {
                int end = tv.indexOf(')', p);
                if (end < 0) throw e.bad("targetValue", "unterminated (description ...) in " + tv);
                out.add(tv.substring(p, end).strip());
                p = end;
            }
            i = tv.indexOf(key, p);
        }
        if (out.isEmpty()) throw e.bad("targetValue", "no (description ...) answers in " + tv);
        return out;
    }

    /** Registers the seven tasks and the two mixtures. Files are only checked when a task is read. */
    public static void register(DataCatalog catalog, Vocabulary vocab, Path dataDir) {
        Path nq = dataDir.resolve("nq-open"), wq = dataDir.resolve("web-questions"), tqa = dataDir.resolve("trivia-qa");
        DataSource nqFiles = new JsonlSource(splits(nq, "train", "NQ-open.train.jsonl", "validation",
                "NQ-open.dev.jsonl"), List.of("question", "answer"));
        DataSource wqFiles = new JsonArraySource(splits(wq, "train", "webquestions.examples.train.json", "test",
                "webquestions.examples.test.json"), "");
        DataSource tqaFiles = new JsonArraySource(splits(tqa, "train", "unfiltered-web-train.json", "validation",
                "unfiltered-web-dev.json",
                "test", "unfiltered-web-test-without-answers.json"), "Data");

        DataSource nqSliced = new SlicedSource(nqFiles,
                Map.of("train", "train[:79168]", "validation", "train[79168:]", "test", "validation"));
        add(catalog, vocab, "natural_questions_open", nqSliced, naturalQuestionsOpen(NQ_PREFIX), "squad");
        add(catalog, vocab, "natural_questions_open_randanswer", nqSliced, naturalQuestionsOpen(NQ_PREFIX), "squad",
                Preprocessors.sampleAnswer("answers", "targets"));
        add(catalog, vocab, "natural_questions_open_test", nqFiles, naturalQuestionsOpen(NQ_PREFIX), "squad");
        add(catalog, vocab, "web_questions_open", new SlicedSource(wqFiles, Map.of("train", "train[:3417]",
                "validation", "train[3417:]", "test", "test")),
                webQuestionsOpen(WQ_PREFIX), "squad");
        add(catalog, vocab, "web_questions_open_test", new SlicedSource(wqFiles, Map.of("train", "train",
                "validation", "test")),
                webQuestionsOpen(WQ_PREFIX), "squad");
        add(catalog, vocab, "trivia_qa_open", new SlicedSource(tqaFiles, Map.of("train", "train[:78785]",
                "validation", "train[78785:]", "test", "validation")),
                triviaQaOpen(TQA_PREFIX), "trivia_qa");
        add(catalog, vocab, "trivia_qa_open_test", new SlicedSource(tqaFiles, Map.of("train", "train+validation",
                "test", "test")),
                triviaQaOpen(TQA_PREFIX), "trivia_qa");
        Rate byExamples = Rate.numExamples(1.0, 0, 1.0);
        catalog.add(Mixture.of("closed_book_qa", byExamples,
                catalog.get(List.of("trivia_qa_open", "natural_questions_open", "web_questions_open"))));
        catalog.add(Mixture.of("closed_book_qa_test", byExamples, catalog.get(
                List.of("trivia_qa_open_test", "natural_questions_open_test", "web_questions_open_test"))));
    }

    private static FileSplits splits(Path dir, String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], List.of(kv[i + 1]));
        return new FileSplits(m, dir);
    }

    private static void add(DataCatalog catalog, Vocabulary vocab, String name, DataSource source, Preprocessor pre,
                            String metric, Preprocessor... more) {
        Task.Builder b = Task.builder(name).source(source).preprocessor(pre);
        for (Preprocessor p : more) b.preprocessor(p);
        catalog.add(b
                .preprocessor(Preprocessors.tokenize(true, false))
                .preprocessor(Preprocessors.appendEos())
                .feature("inputs", new Feature(vocab, true, true))
                .feature("targets", new Feature(vocab, true, true))
                .postprocessor(Postprocessor.QA)
                .metric(metric)
                .description("closed-book QA (Roberts et al. 2020)")
                .build());
    }
}
