package dev.t5j.retrieval.index;

import dev.t5j.retrieval.Passage;

/**
 * One search result.
 *
 * @param passage the passage
 * @param index   its row in the index (0-based, the order of the corpus files)
 * @param score   inner product of query and passage embedding (fp32 accumulation)
 * @param rank    1 for the best hit of a query, then 2, 3, ...
 */
public record Hit(Passage passage, int index, float score, int rank) {
    public Hit withRank(int r) {
        return r == rank ? this : new Hit(passage, index, score, r);
    }
}
