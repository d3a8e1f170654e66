package dev.t5j.atlas;

import dev.t5j.retrieval.index.Filtering;
import dev.t5j.data.DataVocabularies;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.FusionInDecoder;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.Hit;
import dev.t5j.retrieval.index.PassageIndex;
import dev.t5j.tokenizer.Vocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Atlas: a fusion-in-decoder T5 reader, a Contriever retriever and the passage index the retriever searches. The index
 * is not owned: it is rebuilt by the trainer when the schedule says so ({@link #setIndex}).
 *
 * <p>Saved as a directory: {@code reader/} (HF T5 layout), {@code retriever/} (see {@link Retriever#save}) and
 * {@code atlas.json} (format, reader vocabulary file name); the reader's vocabulary file is copied next to them.
 */
public final class AtlasModel implements AutoCloseable {
    public static final String READER_DIR = "reader", RETRIEVER_DIR = "retriever", ATLAS_JSON = "atlas.json";

    private final T5ForConditionalGeneration t5;
    private final FusionInDecoder reader;
    private final Vocabulary vocab;
    private final Path vocabFile;
    private final Retriever retriever; // null for a closed-book model
    private PassageIndex index;
    private String retrieverFormat = Passage.RETRIEVER_FORMAT;

    public AtlasModel(T5ForConditionalGeneration t5, Vocabulary vocab, Path vocabFile, Retriever retriever) {
        this.t5 = t5;
        this.reader = new FusionInDecoder(t5);
        this.vocab = vocab;
        this.vocabFile = vocabFile;
        this.retriever = retriever;
    }

    public FusionInDecoder reader() {
        return reader;
    }

    public T5ForConditionalGeneration t5() {
        return t5;
    }

    public Vocabulary vocab() {
        return vocab;
    }

    public Retriever retriever() {
        return retriever;
    }

    public PassageIndex index() {
        return index;
    }

    /** Atlas's {@code --retriever_format}: how a passage is written for the passage encoder (re-ranking uses it). */
    public void setRetrieverFormat(String format) {
        this.retrieverFormat = format;
    }

    /** Replaces the index (the caller closes the old one). */
    public void setIndex(PassageIndex index) {
        this.index = index;
    }

    /** Reader parameters as {@code reader.<HF key>}, trainable retriever parameters as {@code retriever.<name>}. */
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        t5.parameters().forEach((k, v) -> m.put("reader." + k, v));
        if (retriever != null) retriever.trainableParameters().forEach((k, v) -> m.put("retriever." + k, v));
        return m;
    }

    public void train(boolean on) {
        t5.train(on);
        if (retriever != null) retriever.train(on);
    }

    /** Passages in rank order with their retrieval scores. */
    public record Retrieved(List<Passage> passages, float[] scores) {
        public List<Passage> top(int n) {
            return passages.subList(0, Math.min(n, passages.size()));
        }
    }

    /**
     * The top {@code k} passages for each query from the current index (no gradient). With {@code filterIds} (one per
     * query, null entries allowed) Atlas's id filter applies: over-retrieve {@code k·ratio}, drop passages whose id
     * equals
     * the example's, and append dropped ones back if fewer than k remain. With {@code rerank} &gt; k, the top
     * {@code rerank} are re-embedded with the current passage encoder and re-scored (Atlas's retrieve_with_rerank).
     */
    public List<Retrieved> retrieve(List<String> queries, int k, List<String> filterIds, int ratio, int rerank) {
        if (index == null) throw new IllegalStateException("no passage index");
        float[][] q;
        try (PointerScope s = new PointerScope()) {
            q = Tensors.toRows(retriever.queryEmbeddings(queries, false));
        }
        int wanted = Math.max(k, rerank);
        List<List<Hit>> hits = filterIds != null ? Filtering.searchFilteredById(index, q, filterIds, wanted, ratio)
                : index.search(q, Math.min(wanted, index.size()));
        List<Retrieved> out = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            List<Hit> h = hits.get(i);
            if (rerank > k) h = rerank(q[i], h, k);
            int n = Math.min(k, h.size());
            List<Passage> ps = new ArrayList<>(n);
            float[] sc = new float[n];
            for (int j = 0; j < n; j++) {
                ps.add(h.get(j).passage());
                sc[j] = h.get(j).score();
            }
            out.add(new Retrieved(ps, sc));
        }
        return out;
    }

    private List<Hit> rerank(float[] query, List<Hit> hits, int k) {
        List<String> texts = new ArrayList<>(hits.size());
        for (Hit h : hits) texts.add(ReaderInputs.retrieverText(retrieverFormat, h.passage()));
        float[][] p;
        try (PointerScope s = new PointerScope()) {
            p = Tensors.toRows(retriever.passageEmbeddings(texts, false));
        }
        List<Hit> scored = new ArrayList<>(hits.size());
        for (int j = 0; j < hits.size(); j++) {
            double dot = 0;
            for (int d = 0; d < query.length; d++) dot += query[d] * p[j][d];
            scored.add(new Hit(hits.get(j).passage(), hits.get(j).index(), (float) dot, j + 1));
        }
        scored.sort((a, b) -> Float.compare(b.score(), a.score()));
        List<Hit> top = new ArrayList<>(scored.subList(0, Math.min(k, scored.size())));
        for (int j = 0; j < top.size(); j++) top.set(j, top.get(j).withRank(j + 1));
        return top;
    }

    /** Writes {@code reader/}, {@code retriever/} (when present), the vocabulary and {@code atlas.json}, atomically. */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Checkpoint.save(t5, tmp.resolve(READER_DIR));
            if (retriever != null) retriever.save(tmp.resolve(RETRIEVER_DIR));
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("format", "t5j-atlas");
            j.put("version", 1);
            j.put("closed_book", retriever == null);
            if (vocabFile != null) {
                Path name = vocabFile.getFileName();
                AtomicFiles.writeBytes(tmp.resolve(name.toString()), Files.readAllBytes(vocabFile));
                j.put("reader_vocab", name.toString());
            }
            AtomicFiles.writeString(tmp.resolve(ATLAS_JSON), Json.writePretty(j) + "\n");
        });
    }

    /** Loads a directory written by {@link #save}; {@code untie} as {@link Retriever#load(Path, boolean)}. */
    public static AtlasModel load(Path dir, boolean untie) {
        Path aj = dir.resolve(ATLAS_JSON);
        if (!Files.isRegularFile(aj)) throw new UserError(dir + ": not an Atlas model directory (no " + ATLAS_JSON
                + ")");
        var n = Json.read(aj);
        var vocabName = n.get("reader_vocab");
        if (vocabName == null || !vocabName.isTextual()) throw UserError.at(aj, 0, "reader_vocab",
                "missing: the reader's vocabulary file name");
        Path vf = dir.resolve(vocabName.asText());
        Vocabulary v = DataVocabularies.load(vf);
        T5ForConditionalGeneration t5 = Checkpoint.load(dir.resolve(READER_DIR));
        Retriever r = Files.isDirectory(dir.resolve(RETRIEVER_DIR)) ? Retriever.load(dir.resolve(RETRIEVER_DIR), untie)
                : null;
        return new AtlasModel(t5, v, vf, r);
    }

    @Override
    public void close() {
        t5.close();
        if (retriever != null) retriever.close();
    }
}
