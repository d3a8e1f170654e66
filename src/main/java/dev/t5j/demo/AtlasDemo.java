package dev.t5j.demo;

import java.util.HashMap;
import dev.t5j.engine.Tensors;
import dev.t5j.tokenizer.SentencePieceModel;
import dev.t5j.tokenizer.TrainerConfig;
import dev.t5j.tokenizer.VocabTrainer;
import dev.t5j.atlas.AtlasConfig;
import dev.t5j.atlas.AtlasModel;
import dev.t5j.atlas.AtlasTrainer;
import dev.t5j.atlas.ContrastivePretraining;
import dev.t5j.atlas.tasks.LookupQuestions;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.engine.Torch;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Passages;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.Hit;
import dev.t5j.retrieval.index.IndexBuilder;
import dev.t5j.retrieval.index.IndexDtype;
import dev.t5j.retrieval.index.IndexOptions;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code t5j atlas demo}: on 1,000 real Wikipedia passages, trains the same tiny T5 reader for the same number of steps
 * closed-book and retrieval-augmented (Atlas, PDist retriever training), and reports exact match of both and the
 * retriever's recall@k before and after training. Questions come from {@link LookupQuestions}; everything it needs
 * ships inside t5j (see {@code dev/t5j/atlas/demo/SOURCE.md}).
 */
public final class AtlasDemo {
    /** The demonstration's knobs (the defaults are what README and BENCHMARKS.md report). */
    public record Options(Path out, long steps, int batchSize, int threads, long seed, int evalEvery,
            int contrieverSteps,
                          int readingSteps, List<String> overrides) {
        public static Options defaults(Path out) {
            return new Options(out, 1000, 16, 1, 0, 5, 300, 600, List.of());
        }
    }

    public record Result(Map<String, Double> closedBook, Map<String, Double> atlas, Map<Integer, Double> recallRandom,
            Map<Integer, Double> recallBefore,
                         Map<Integer, Double> recallAfter, Path summary) {}

    static final int[] RECALL_K = {1, 5, 10};

    private final Options o;
    private final PrintStream log;

    public AtlasDemo(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    /** Runs one of the demo's runs; its directory is rebuilt on every demo run (a run refuses to overwrite another). */
    private AtlasTrainer.Result runFresh(List<String> overrides, Path runDir) throws IOException {
        AtomicFiles.deleteRecursively(runDir);
        return new AtlasTrainer(AtlasConfig.load(null, overrides), log).run();
    }

    public Result run() throws IOException {
        Torch.init(o.threads());
        Torch.setThreads(o.threads());
        Path data = o.out().resolve("data");
        Files.createDirectories(data);
        Path passagesFile = copyResource("passages.jsonl", data);
        Path bertVocab = copyResource("vocab.txt", data);
        List<Passage> passages = Passages.load(List.of(passagesFile));
        Path spiece = readerVocabulary(passages, data);
        LookupQuestions.Split split = LookupQuestions.build(passages, 6, 2, o.evalEvery(), o.seed());
        Path train = writeQa(data.resolve("train.jsonl"), split.train());
        Path eval = writeQa(data.resolve("eval.jsonl"), split.eval());
        log.printf(Locale.ROOT, "t5j: %d passages, %d training and %d evaluation questions (e.g. %s -> %s)%n",
                passages.size(), split.train().size(), split.eval().size(), split.eval().get(0).question(),
                        split.eval().get(0).answer());

        // No pretrained Contriever offline: the initial retriever is a fresh BERT trained with Contriever's
        // unsupervised contrastive objective on the corpus itself (no questions, no labels).
        Path randomRetriever = o.out().resolve("random-retriever"), initialRetriever =
                o.out().resolve("initial-retriever");
        Map<Integer, Double> random;
        try (Retriever r = Retriever.tied(Contriever.init(BertConfig.preset("tiny").withVocabSize(30522),
                WordPieceVocabulary.load(bertVocab), o.seed() + 1), 128)) {
            r.save(randomRetriever);
            random = recall(randomRetriever, passages, split.eval());
            log.println("t5j: random retriever recall " + random);
            ContrastivePretraining.run(r, passages, new ContrastivePretraining.Options(o.contrieverSteps(), 64, 1e-3,
                    0.05, 0.1, 0.5, o.seed()), log, true);
            r.save(initialRetriever);
        }
        Map<Integer, Double> before = recall(initialRetriever, passages, split.eval());
        log.println("t5j: initial (contrastive) retriever recall " + before);

        List<String> common = new ArrayList<>(List.of(
                "reader.preset=tiny", "reader.vocab=" + spiece, "reader.dropout=0.0",
                "retriever.init_from=" + initialRetriever, "retriever.preset=null", "retriever.max_length=128",
                "index.passages=[" + passagesFile + "]", "index.refresh=100",
                "task.name=qa", "task.train_data=[" + train + "]", "task.eval_data=[" + eval + "]",
                "atlas.n_context=2", "atlas.retriever_n_context=8", "task.qa_prompt_format='{question}'",
                        "atlas.text_maxlength=96", "atlas.target_maxlength=16",
                "atlas.gold_score_mode=pdist", "atlas.temperature_score=0.01", "atlas.temperature_gold=0.01",
                "optimizer.lr=3.0e-3", "optimizer.lr_retriever=5.0e-4", "optimizer.scheduler=linear",
                        "optimizer.warmup=50",
                "train.steps=" + o.steps(), "train.batch_size=" + o.batchSize(), "train.seed=" + o.seed(),
                "train.threads=" + o.threads(), "train.log_every=50",
                "eval.batch_size=32", "eval.max_new_tokens=16"));
        common.addAll(o.overrides());

        // A shared reading warm start (both models start from it): the reader learns to answer from a given passage
        // by reading the source passage of each training question for readingSteps steps. Without it a tiny reader
        // trained from scratch on noisy retrievals learns to memorise titles instead of reading them.
        Path reading = o.out().resolve("reader-warm-start");
        Path trainWithPassages = writeQa(data.resolve("train-with-passages.jsonl"), split.train(), passages);
        List<String> rw = new ArrayList<>(common);
        rw.addAll(List.of("atlas.use_file_passages=true", "atlas.n_context=1", "atlas.retriever_n_context=1",
                "task.train_data=[" + trainWithPassages + "]", "task.eval_data=[]", "train.steps=" + o.readingSteps(),
                        "out=" + reading));
        log.println("t5j: reader warm start: " + o.readingSteps()
                + " steps answering training questions from their source passage");
        runFresh(rw, reading);
        common.addAll(List.of("reader.preset=null", "reader.init_from="
                + reading.resolve("model").resolve(AtlasModel.READER_DIR)));

        List<String> cb = new ArrayList<>(common);
        cb.addAll(List.of("atlas.closed_book=true", "out=" + o.out().resolve("closed-book")));
        log.println("t5j: [1/2] closed-book reader, " + o.steps() + " steps");
        Map<String, Double> closed = runFresh(cb, o.out().resolve("closed-book")).metrics();

        List<String> at = new ArrayList<>(common);
        at.add("out=" + o.out().resolve("atlas"));
        log.println("t5j: [2/2] retrieval-augmented reader + retriever training (pdist), " + o.steps() + " steps");
        AtlasTrainer.Result ar = runFresh(at, o.out().resolve("atlas"));
        Map<Integer, Double> after = recall(ar.modelDir().resolve(AtlasModel.RETRIEVER_DIR), passages, split.eval());

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("passages", passages.size());
        summary.put("train_questions", split.train().size());
        summary.put("eval_questions", split.eval().size());
        summary.put("steps", o.steps());
        summary.put("closed_book", closed);
        summary.put("atlas", ar.metrics());
        summary.put("recall_random_init", random);
        summary.put("recall_before", before);
        summary.put("recall_after", after);
        Path summaryFile = o.out().resolve("summary.json");
        AtomicFiles.writeString(summaryFile, Json.writePretty(summary) + "\n");
        return new Result(closed, ar.metrics(), random, before, after, summaryFile);
    }

    /** Share of questions whose source passage is among the top k, for each k in {@link #RECALL_K}. */
    static Map<Integer, Double> recall(Path retrieverDir, List<Passage> passages, List<LookupQuestions.Question> qs) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        try (Retriever r = Retriever.load(retrieverDir);
             FlatIndex index = IndexBuilder.build(passages, r.passageEmbedder(64).withProgress(false),
                     new IndexOptions(1, IndexDtype.FP32, 64), null)) {
            List<String> queries = new ArrayList<>();
            // the demo's qa_prompt_format is "{question}"
            for (LookupQuestions.Question q : qs) queries.add(q.question());
            float[][] qv;
            try (PointerScope s = new PointerScope()) {
                qv = Tensors.toRows(r.queryEmbeddings(queries, false));
            }
            List<List<Hit>> hits = index.search(qv, RECALL_K[RECALL_K.length - 1]);
            for (int k : RECALL_K) {
                int found = 0;
                for (int i = 0; i < qs.size(); i++)
                    for (int j = 0; j < Math.min(k, hits.get(i).size()); j++)
                        if (hits.get(i).get(j).passage().id().equals(qs.get(i).passageId())) {
                            found++;
                            break;
                        }
                out.put(k, 100.0 * found / qs.size());
            }
        }
        return out;
    }

    /**
     * The reader's vocabulary: a 2,000-piece unigram SentencePiece model trained on the corpus with t5j's trainer (plus
     * T5's 100 sentinels). A tiny reader learns to copy titles several times faster with it than with T5's 32k pieces.
     */
    static Path readerVocabulary(List<Passage> passages, Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Passage p : passages) sb.append(p.title()).append('\n').append(p.text()).append('\n');
        Path corpus = dir.resolve("corpus.txt");
        AtomicFiles.writeString(corpus, sb.toString());
        var model = VocabTrainer.train(TrainerConfig.defaults(List.of(corpus), 2000,
                SentencePieceModel.UNIGRAM).withThreads(1));
        return VocabTrainer.write(model, dir.resolve("reader-vocab"));
    }

    static Path writeQa(Path file, List<LookupQuestions.Question> qs) throws IOException {
        return writeQa(file, qs, null);
    }

    /** With {@code passages}, each line also carries its source passage (Atlas's {@code passages} field). */
    static Path writeQa(Path file, List<LookupQuestions.Question> qs, List<Passage> passages) throws IOException {
        Map<String, Passage> byId = new HashMap<>();
        if (passages != null) for (Passage p : passages) byId.put(p.id(), p);
        StringBuilder sb = new StringBuilder();
        for (LookupQuestions.Question q : qs) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("question", q.question());
            line.put("answers", List.of(q.answer()));
            line.put("passage_id", q.passageId());
            Passage src = byId.get(q.passageId());
            if (src != null) line.put("passages", List.of(Map.of("id", src.id(), "title", src.title(), "text",
                    src.text())));
            sb.append(Json.write(line)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
        return file;
    }

    static Path copyResource(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = AtlasDemo.class.getResourceAsStream("/dev/t5j/atlas/demo/" + name)) {
            if (in == null) throw new IllegalStateException("missing built-in resource " + name);
            AtomicFiles.writeBytes(target, in.readAllBytes());
        }
        return target;
    }
}
