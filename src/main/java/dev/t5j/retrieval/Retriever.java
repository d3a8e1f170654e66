package dev.t5j.retrieval;

import dev.t5j.tokenizer.WordPieceVocabulary;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.model.bert.Pooling;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Atlas's dual-encoder retriever: {@code DualEncoderRetriever} (one shared {@link Contriever} for queries and
 * passages, "tied") or {@code UntiedDualEncoderRetriever} ({@code query_contriever} + {@code passage_contriever},
 * "untied", used for query-side retriever training with the passage encoder frozen).
 *
 * <p><b>Untying makes a true copy.</b> Atlas's {@code UntiedDualEncoderRetriever} does
 * {@code copy.deepcopy(query_encoder) if hasattr(query_encoder, "module") else query_encoder}; a bare Contriever has no
 * {@code .module}, so in Atlas both names point to the same module and a query-side update also moves the
 * "frozen" passage encoder (reference notes §A.2). t5j follows the README's intent instead: {@link #untie()} copies
 * the weights, so training the query encoder leaves passage vectors (and the passage index) valid.
 *
 * <p>Parameter names for the optimizer are {@code contriever.<HF key>} (tied) and {@code query_contriever.<HF key>} /
 * {@code passage_contriever.<HF key>} (untied), as Atlas's state dict without its {@code retriever.} prefix.
 *
 * <p>Not thread-safe (train/eval mode is switched around no-grad embedding calls).
 */
public final class Retriever implements AutoCloseable {
    /** Atlas {@code --text_maxlength} default. */
    public static final int DEFAULT_TEXT_MAXLENGTH = 200;
    /** File in a retriever folder that says tied/untied, pooling and max length. */
    public static final String RETRIEVER_JSON = "retriever.json";
    public static final String QUERY_DIR = "query_encoder";
    public static final String PASSAGE_DIR = "passage_encoder";

    private Contriever query;
    private Contriever passage; // same object as query when tied
    private boolean passageFrozen;
    private final int textMaxLength;
    // Atlas pads retriever inputs to max_length; the vectors do not depend on padding (masked keys, pooling over real
    // tokens), so t5j pads to the longest input, which avoids computing on pad positions.
    private final Contriever.Padding queryPadding = Contriever.Padding.LONGEST;
    private final Contriever.Padding passagePadding = Contriever.Padding.LONGEST;

    private Retriever(Contriever query, Contriever passage, int textMaxLength, boolean passageFrozen) {
        if (textMaxLength < 3) throw new UserError("text_maxlength must be at least 3 ([CLS] token [SEP]), got "
                + textMaxLength);
        this.query = query;
        this.passage = passage;
        this.textMaxLength = textMaxLength;
        this.passageFrozen = passageFrozen;
        if (passageFrozen) passage.bert().requiresGrad(false);
    }

    /** One shared encoder (Atlas {@code DualEncoderRetriever}); takes ownership of {@code contriever}. */
    public static Retriever tied(Contriever contriever, int textMaxLength) {
        return new Retriever(contriever, contriever, textMaxLength, false);
    }

    /**
     * A tied retriever with freshly initialised weights (HF BERT init, libtorch generator seeded with {@code seed}).
     */
    public static Retriever init(BertConfig config, WordPieceVocabulary vocab, long seed, int textMaxLength) {
        return tied(Contriever.init(config, vocab, seed), textMaxLength);
    }

    /** Separate encoders with the passage encoder frozen (query-side training); takes ownership of both. */
    public static Retriever untied(Contriever query, Contriever passage, int textMaxLength) {
        if (query == passage) throw new IllegalArgumentException("untied encoders must be distinct objects");
        if (query.dim() != passage.dim())
            throw new UserError("query and passage encoders differ in hidden size: " + query.dim() + " vs "
                    + passage.dim());
        return new Retriever(query, passage, textMaxLength, true);
    }

    /**
     * Turns a tied retriever into an untied one for query-side training: the passage encoder becomes a true copy of
     * the shared weights, frozen; the shared encoder becomes the query encoder. No-op when already untied.
     */
    public void untie() {
        if (!isTied()) return;
        passage = query.copy();
        passageFrozen = true;
        passage.bert().requiresGrad(false);
        passage.train(false);
    }

    public boolean isTied() {
        return query == passage;
    }

    /** True when the passage encoder takes no gradient (untied retrievers: query-side training). */
    public boolean isPassageFrozen() {
        return passageFrozen;
    }

    /** Lets an untied passage encoder train too (not an Atlas setting; tied retrievers always train both sides). */
    public void setPassageFrozen(boolean frozen) {
        if (isTied()) {
            if (frozen) throw new
                    IllegalStateException("a tied retriever cannot freeze its passage side alone; untie() first");
            return;
        }
        passageFrozen = frozen;
        passage.bert().requiresGrad(!frozen);
    }

    public Contriever queryEncoder() {
        return query;
    }

    public Contriever passageEncoder() {
        return passage;
    }

    public int dim() {
        return query.dim();
    }

    public int textMaxLength() {
        return textMaxLength;
    }

    public Contriever.Padding queryPadding() {
        return queryPadding;
    }

    public Contriever.Padding passagePadding() {
        return passagePadding;
    }

    /** Training mode (dropout) for the trainable encoders; a frozen passage encoder always runs in eval mode. */
    public void train(boolean on) {
        query.train(on);
        if (!isTied()) passage.train(on && !passageFrozen);
    }

    public boolean isTraining() {
        return query.isTraining();
    }

    /** Query vectors [B, d] in the caller's scope; {@code grad} false runs in eval mode without recording gradients. */
    public Tensor queryEmbeddings(List<String> queries, boolean grad) {
        return run(query, queries, queryPadding, grad);
    }

    /**
     * Passage vectors [B, d] (texts already formatted, e.g. {@link Passage#retrieverText()}) in the caller's scope.
     * With a frozen passage encoder (query-side training) this is always eval mode without gradients, whatever
     * {@code grad} says, as Atlas's {@code embed_passages}.
     */
    public Tensor passageEmbeddings(List<String> texts, boolean grad) {
        return run(passage, texts, passagePadding, grad && !passageFrozen);
    }

    private Tensor run(Contriever c, List<String> texts, Contriever.Padding padding, boolean grad) {
        if (grad) return c.embed(texts, textMaxLength, padding);
        boolean was = c.isTraining();
        c.train(false);
        try (NoGradGuard ng = new NoGradGuard()) {
            return c.embed(texts, textMaxLength, padding);
        } finally {
            c.train(was);
        }
    }

    /**
     * Every parameter, by Atlas name ({@code contriever.*} or {@code query_contriever.*} +
     * {@code passage_contriever.*}).
     */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (isTied()) {
            put(m, "contriever.", query);
        } else {
            put(m, "query_contriever.", query);
            put(m, "passage_contriever.", passage);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The parameters an optimizer should update: all of a tied retriever; the query encoder's (and the passage
     * encoder's unless frozen) when untied.
     */
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (isTied()) {
            put(m, "contriever.", query);
        } else {
            put(m, "query_contriever.", query);
            if (!passageFrozen) put(m, "passage_contriever.", passage);
        }
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, Tensor> m, String prefix, Contriever c) {
        for (Map.Entry<String, Tensor> e : c.parameters().entrySet()) m.put(prefix + e.getKey(), e.getValue());
    }

    /** The passage encoder's {@link Contriever#fingerprint(int)}: what a passage index records and checks. */
    public String fingerprint() {
        return passage.fingerprint(textMaxLength);
    }

    /** Batched, no-grad, eval-mode embedder over the passage encoder (for building an index). */
    public ContrieverEmbedder passageEmbedder(int batchSize) {
        return new ContrieverEmbedder(passage, textMaxLength, passagePadding, batchSize, "embed passages");
    }

    /** Batched, no-grad, eval-mode embedder over the query encoder. */
    public ContrieverEmbedder queryEmbedder(int batchSize) {
        return new ContrieverEmbedder(query, textMaxLength, queryPadding, batchSize, "embed queries");
    }

    // ---------------------------------------------------------------- folders

    /**
     * Writes the retriever folder atomically (built aside, then renamed over {@code dir}): tied = an HF BERT folder at
     * the root; untied = {@code query_encoder/} and {@code passage_encoder/} HF folders; both with
     * {@code retriever.json}.
     */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeDirectory(dir, tmp -> {
            if (isTied()) {
                query.save(tmp);
            } else {
                query.save(tmp.resolve(QUERY_DIR));
                passage.save(tmp.resolve(PASSAGE_DIR));
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("format", "t5j-retriever");
            j.put("tied", isTied());
            j.put("pooling", query.pooling().configName());
            j.put("text_maxlength", textMaxLength);
            if (!isTied()) j.put("passage_frozen", passageFrozen);
            AtomicFiles.writeString(tmp.resolve(RETRIEVER_JSON), Json.writePretty(j) + "\n");
        });
    }

    /** Loads a retriever folder, or a plain HF BERT/Contriever folder (tied, text_maxlength 200). */
    public static Retriever load(Path dir) {
        return load(dir, false);
    }

    /**
     * @param untie when the folder holds a tied retriever, untie it (true copy) for query-side training, as Atlas's
     *              {@code _convert_state_dict_from_dual_encoder_retriever}
     */
    public static Retriever load(Path dir, boolean untie) {
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such retriever folder");
        Path rj = dir.resolve(RETRIEVER_JSON);
        boolean tied = true;
        int maxLen = DEFAULT_TEXT_MAXLENGTH;
        Pooling pooling = null;
        boolean frozen = true;
        if (Files.isRegularFile(rj)) {
            JsonNode n = Json.read(rj);
            if (!n.isObject()) throw UserError.at(rj, 0, null, "expected a JSON object");
            JsonNode t = n.get("tied");
            if (t == null || !t.isBoolean()) throw UserError.at(rj, 0, "tied", "expected true or false");
            tied = t.booleanValue();
            JsonNode ml = n.get("text_maxlength");
            if (ml != null) {
                if (!ml.isIntegralNumber() || ml.intValue() < 3) throw UserError.at(rj, 0, "text_maxlength",
                        "expected an integer >= 3, got " + ml);
                maxLen = ml.intValue();
            }
            JsonNode p = n.get("pooling");
            if (p != null) {
                try {
                    pooling = Pooling.parse(p.asText(), "pooling");
                } catch (UserError e) {
                    throw new UserError(rj + ": " + e.getMessage());
                }
            }
            JsonNode f = n.get("passage_frozen");
            if (f != null) {
                if (!f.isBoolean()) throw UserError.at(rj, 0, "passage_frozen", "expected true or false");
                frozen = f.booleanValue();
            }
        } else if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new UserError(dir + ": not a retriever folder (no " + RETRIEVER_JSON + " and no config.json)");
        }
        Retriever r;
        if (tied) {
            Contriever c = Contriever.load(dir);
            checkPooling(c, pooling, rj);
            r = tied(c, maxLen);
            if (untie) r.untie();
        } else {
            Contriever q = Contriever.load(dir.resolve(QUERY_DIR));
            Contriever p;
            try {
                p = Contriever.load(dir.resolve(PASSAGE_DIR));
            } catch (RuntimeException e) {
                q.close();
                throw e;
            }
            try {
                checkPooling(q, pooling, rj);
                checkPooling(p, pooling, rj);
                r = untied(q, p, maxLen);
            } catch (RuntimeException e) {
                q.close();
                p.close();
                throw e;
            }
            if (!frozen) r.setPassageFrozen(false);
        }
        return r;
    }

    private static void checkPooling(Contriever c, Pooling want, Path rj) {
        if (want != null && c.pooling() != want) {
            c.close();
            throw UserError.at(rj, 0, "pooling", "'" + want.configName() + "' disagrees with config.json's '"
                    + c.pooling().configName() + "'");
        }
    }

    @Override
    public void close() {
        query.close();
        if (passage != query) passage.close();
    }
}
