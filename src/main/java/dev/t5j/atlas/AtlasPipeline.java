package dev.t5j.atlas;

import dev.t5j.api.T5j;
import dev.t5j.atlas.tasks.HfText;
import dev.t5j.atlas.tasks.PyFormat;
import dev.t5j.common.UserError;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.engine.Torch;
import dev.t5j.model.FusionInDecoder;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.IndexLoadOptions;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A saved Atlas model (what {@code t5j train} writes for an Atlas config: {@code reader/}, {@code retriever/},
 * {@code atlas.json}) with its passage index, for Java users and {@code t5j serve}: {@link #retrieve} and
 * {@link #answer}, as {@code t5j eval} retrieves and reads (Atlas's evaluate.py).
 *
 * <p>The run's {@code config.yaml} (in the run directory above {@code model/} or {@code checkpoints/step_N/model/})
 * gives the formats, {@code n_context} and lengths. The index is the first of: {@code index/} beside the model
 * folder (a checkpoint's), {@code index.save}, {@code index.load} of that config, each checked against the
 * retriever's fingerprint; else (none, or the first found is stale) it is built from {@code index.passages} with the
 * model's retriever. Calls are serialised on the instance.
 */
public final class AtlasPipeline implements AutoCloseable {
    private final AtlasModel model;
    private final AtlasConfig cfg;
    private final FlatIndex index;
    private final T5j reader;

    /** A retrieved passage with its retrieval score (query · passage embedding). */
    public record Hit(String id, String title, String text, float score) {}

    /** The reader's answer and the passages it read, in rank order. */
    public record Answer(String answer, List<Hit> passages) {}

    private AtlasPipeline(Path dir, AtlasModel model, AtlasConfig cfg, FlatIndex index) {
        this.model = model;
        this.cfg = cfg;
        this.index = index;
        this.reader = T5j.view(dir, model.t5(), model.vocab());
        model.setRetrieverFormat(cfg.atlas().retrieverFormat());
        model.setIndex(index);
        model.train(false);
    }

    /** Loads the Atlas model folder {@code dir} with its run's config and a passage index (see the class comment). */
    public static AtlasPipeline load(Path dir) {
        Torch.init();
        Path config = runConfig(dir);
        AtlasConfig cfg = AtlasConfig.load(config, List.of());
        AtlasModel m = AtlasModel.load(dir, false);
        FlatIndex idx = null;
        try {
            if (!cfg.usesRetrieval() || m.retriever() == null)
                throw new UserError(dir + ": a closed-book Atlas model has no retriever to serve");
            idx = index(dir, cfg, m);
            return new AtlasPipeline(dir, m, cfg, idx);
        } catch (RuntimeException e) {
            if (idx != null) idx.close();
            m.close();
            throw e;
        }
    }

    /** True when {@code dir} is an Atlas model folder (has {@code atlas.json}). */
    public static boolean isAtlasModel(Path dir) {
        return Files.isRegularFile(dir.resolve(AtlasModel.ATLAS_JSON));
    }

    private static Path runConfig(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> tried = new ArrayList<>();
        for (Path p = abs.getParent(); p != null && tried.size() < 3; p = p.getParent()) {
            Path c = p.resolve("config.yaml");
            tried.add(c);
            if (Files.isRegularFile(c)) return c;
        }
        throw new UserError(dir + ": no run config.yaml found (looked at " + tried + "); serve the model folder of a"
                + " `t5j train` Atlas run");
    }

    private static FlatIndex index(Path dir, AtlasConfig cfg, AtlasModel m) {
        IndexLoadOptions opts = IndexLoadOptions.expecting(m.retriever().fingerprint());
        Path parent = dir.toAbsolutePath().normalize().getParent();
        List<Path> candidates = new ArrayList<>();
        if (parent != null) candidates.add(parent.resolve(AtlasTrainer.INDEX));
        if (cfg.index().save() != null) candidates.add(Path.of(cfg.index().save()));
        if (cfg.index().load() != null) candidates.add(Path.of(cfg.index().load()));
        UserError unusable = null;
        for (Path c : candidates) {
            if (!Files.isDirectory(c)) continue;
            try {
                return FlatIndex.load(c, opts);
            } catch (UserError e) { // e.g. stale: embedded by an earlier retriever; rebuilt below if passages allow
                unusable = e;
                break;
            }
        }
        AtlasRetrieval r = new AtlasRetrieval(cfg, new PrintStream(new ByteArrayOutputStream()), false);
        List<Passage> passages;
        try {
            passages = r.loadPassages();
        } catch (UserError e) {
            passages = List.of();
        }
        if (passages.isEmpty()) {
            if (unusable != null) throw unusable;
            throw new UserError(dir + ": no saved index (looked at " + candidates + ") and no index.passages to"
                    + " build one from");
        }
        return r.buildIndex(m, passages, "index");
    }

    /** The reader as a plain text-to-text model (closed-book generation, scoring, embedding); owned by this. */
    public T5j reader() {
        return reader;
    }

    public AtlasConfig config() {
        return cfg;
    }

    /** Passages in the index. */
    public int indexSize() {
        return index.size();
    }

    /** The query the retriever and reader see: the question in {@code task.qa_prompt_format} for a qa model. */
    public String query(String question) {
        if (question == null || question.isBlank()) throw new UserError("the query is empty");
        return "qa".equals(cfg.task().name())
                ? PyFormat.format(cfg.task().qaPromptFormat(), Map.of("question", question)) : question;
    }

    /** The top {@code k} passages for {@code question}, best first. */
    public synchronized List<Hit> retrieve(String question, int k) {
        if (k < 1) throw new UserError("k must be >= 1 (got " + k + ")");
        AtlasModel.Retrieved r = model.retrieve(List.of(query(question)), k, null, 1, rerank()).get(0);
        return hits(r);
    }

    /** Retrieves {@code n_context} passages and generates the reader's answer over them (greedy, eval lengths). */
    public synchronized Answer answer(String question) {
        return answer(question, cfg.atlas().nContext(), cfg.eval().maxNewTokens());
    }

    /** As {@link #answer(String)} with {@code k} passages read and at most {@code maxNewTokens} answer tokens. */
    public synchronized Answer answer(String question, int k, int maxNewTokens) {
        if (k < 1) throw new UserError("k must be >= 1 (got " + k + ")");
        String q = query(question);
        AtlasModel.Retrieved r = model.retrieve(List.of(q), k, null, 1, rerank()).get(0);
        GenerationConfig g = cfg.eval().numBeams() > 1 ? GenerationConfig.beam(maxNewTokens, cfg.eval().numBeams())
                : GenerationConfig.greedy(maxNewTokens);
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            ReaderInputs.Encoded in = ReaderInputs.encode(List.of(q), List.of(r.passages()), k,
                    cfg.readerFormat(), model.vocab(), cfg.atlas().textMaxlength());
            FusionInDecoder.Encoded enc = model.reader().encode(in.idsTensor(), in.maskTensor());
            Generator.Result out = new Generator(model.t5()).generateFromEncoded(enc.hidden(), enc.mask(), g);
            return new Answer(HfText.prediction(model.vocab(), out.sequences()[0]), hits(r));
        }
    }

    private int rerank() {
        return cfg.atlas().retrieveWithRerank() ? cfg.atlas().nToRerankWithRetrieveWithRerank() : 0;
    }

    private static List<Hit> hits(AtlasModel.Retrieved r) {
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < r.passages().size(); i++) {
            Passage p = r.passages().get(i);
            out.add(new Hit(p.id(), p.title(), p.text(), r.scores()[i]));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        index.close();
        model.close();
    }
}
