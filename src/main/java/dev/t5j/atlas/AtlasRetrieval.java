package dev.t5j.atlas;

import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Passages;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.IndexBuilder;
import dev.t5j.retrieval.index.IndexDtype;
import dev.t5j.retrieval.index.IndexLoadOptions;
import dev.t5j.retrieval.index.IndexOptions;
import dev.t5j.retrieval.index.PassageIndex;
import dev.t5j.retrieval.index.ShardedIndex;
import dev.t5j.run.Replicas;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an Atlas reader's passages come from, shared by training and evaluation: the configured corpus, the passage
 * index (loaded, or built and saved with the model's retriever), and per batch the retrieved passages (filtered by id
 * for mlm/lm/section, optionally re-ranked), the example file's own passages, or none closed-book.
 */
public final class AtlasRetrieval {
    private final AtlasConfig cfg;
    private final PrintStream log;
    private final boolean progress;

    private Replicas replicas = Replicas.SINGLE;

    public AtlasRetrieval(AtlasConfig cfg, PrintStream log, boolean progress) {
        this.cfg = cfg;
        this.log = log;
        this.progress = progress;
    }

    /**
     * The ranks of a data-parallel run: with more than one, the index is a {@link ShardedIndex} (each rank embeds,
     * holds, searches and saves its shards) and every index method here is a collective that every rank calls.
     */
    public AtlasRetrieval withReplicas(Replicas r) {
        this.replicas = r;
        return this;
    }

    /** Retrieved (or the file's, or none for closed-book) passages for each example of a batch. */
    public List<List<Passage>> passagesFor(AtlasModel model, AtlasTask task, List<AtlasExample> batch,
                                           List<String> queries, int k) {
        AtlasConfig.Atlas a = cfg.atlas();
        List<List<Passage>> out = new ArrayList<>(batch.size());
        if (a.closedBook()) {
            for (int i = 0; i < batch.size(); i++) out.add(List.of());
        } else if (a.useFilePassages()) {
            for (AtlasExample e : batch) out.add(e.passages());
        } else {
            for (AtlasModel.Retrieved r : retrieve(model, task, batch, queries, k)) out.add(r.passages());
        }
        return out;
    }

    /** The top {@code k} passages of the model's index for each query, with their scores. */
    public List<AtlasModel.Retrieved> retrieve(AtlasModel model, AtlasTask task, List<AtlasExample> batch,
                                               List<String> queries, int k) {
        AtlasConfig.Atlas a = cfg.atlas();
        List<String> filter = null;
        if (task.filterById()) {
            filter = new ArrayList<>();
            for (AtlasExample e : batch) filter.add(e.filterId());
        }
        int rerank = a.retrieveWithRerank() ? a.nToRerankWithRetrieveWithRerank() : 0;
        return model.retrieve(queries, k, filter, a.filteringOverretrieveRatio(), rerank);
    }

    /** The configured corpus (empty without retrieval). */
    public List<Passage> loadPassages() {
        if (!cfg.usesRetrieval() || cfg.index().passages().isEmpty()) return List.of();
        Integer max = cfg.index().maxPassages();
        List<Path> files = AtlasConfig.paths(cfg.index().passages());
        return max == null ? Passages.load(files) : Passages.load(files, max);
    }

    /** The index a run starts with: {@code index.load}, or built from {@code passages} with the model's retriever. */
    public PassageIndex initialIndex(AtlasModel model, List<Passage> passages) throws IOException {
        AtlasConfig.Index ic = cfg.index();
        if (ic.load() != null) {
            PassageIndex loaded = load(Path.of(ic.load()),
                    IndexLoadOptions.expecting(model.retriever().fingerprint()).withShards(ic.shards())
                            .withForce(ic.force()));
            log.println("t5j: loaded index " + ic.load() + " (" + loaded.size() + " passages)");
            return loaded;
        }
        PassageIndex built = index(model, passages, "build index");
        saveIndex(built);
        return built;
    }

    /** A saved index: flat on one process, this rank's shards of it on several. */
    public PassageIndex load(Path dir, IndexLoadOptions options) {
        return replicas.world() == 1 ? FlatIndex.load(dir, options)
                : ShardedIndex.load(indexGroup(replicas), dir, options);
    }

    /**
     * Embeds the passages with the model's current retriever (build and refresh): on one process every passage, on
     * several only this rank's shards, all ranks in parallel.
     */
    public PassageIndex index(AtlasModel model, List<Passage> passages, String label) {
        if (replicas.world() == 1) return buildIndex(model, passages, label);
        checkEnoughPassages(passages);
        AtlasConfig.Index ic = cfg.index();
        int held = ShardedIndex.heldRows(passages.size(), ic.shards(), replicas.rank(), replicas.world());
        try (Progress p = new Progress(label + " (rank " + replicas.rank() + ")", held, "passage", System.err,
                progress && replicas.writes())) {
            return ShardedIndex.build(indexGroup(replicas), passages,
                    ps -> ReaderInputs.retrieverText(cfg.atlas().retrieverFormat(), ps),
                    model.retriever().passageEmbedder(ic.embedBatchSize()).withProgress(false),
                    new IndexOptions(ic.shards(), IndexDtype.parse(ic.dtype()), ic.embedBatchSize()), p);
        }
    }

    private void checkEnoughPassages(List<Passage> passages) {
        if (passages.size() < cfg.atlas().retrieverNContext())
            throw new UserError("index: " + passages.size() + " passages, fewer than atlas.retriever_n_context ("
                    + cfg.atlas().retrieverNContext() + ")");
    }

    /** Embeds every passage with the model's current retriever. */
    public FlatIndex buildIndex(AtlasModel model, List<Passage> passages, String label) {
        AtlasConfig.Index ic = cfg.index();
        checkEnoughPassages(passages);
        try (Progress p = new Progress(label, passages.size(), "passage", System.err, progress)) {
            return IndexBuilder.build(passages, ps -> ReaderInputs.retrieverText(cfg.atlas().retrieverFormat(), ps),
                    model.retriever().passageEmbedder(ic.embedBatchSize()).withProgress(false),
                    new IndexOptions(ic.shards(), IndexDtype.parse(ic.dtype()), ic.embedBatchSize()), p);
        }
    }

    /** Saves the index to {@code index.save} when configured. */
    public void saveIndex(PassageIndex index) throws IOException {
        if (cfg.index().save() != null) index.save(Path.of(cfg.index().save()));
    }

    /** The collectives of {@code replicas}, as a {@link ShardedIndex} needs them. */
    public static ShardedIndex.Group indexGroup(Replicas replicas) {
        return new ShardedIndex.Group() {
            @Override
            public int rank() {
                return replicas.rank();
            }

            @Override
            public int world() {
                return replicas.world();
            }

            @Override
            public List<Tensor> allGather(Tensor t) {
                return replicas.allGather(t);
            }

            @Override
            public void barrier() {
                replicas.barrier();
            }
        };
    }
}
