package dev.t5j.retrieval.index;

import dev.t5j.retrieval.Embedder;

import java.util.List;
import java.util.Locale;

/** A deterministic test embedder: hashed bag of lower-cased words (a text and its words share dimensions). */
class HashEmbedder implements Embedder {
    private final int dim;
    private final String salt;
    int calls;

    HashEmbedder(int dim, String salt) {
        this.dim = dim;
        this.salt = salt;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public float[][] embed(List<String> texts) {
        calls++;
        float[][] out = new float[texts.size()][dim];
        for (int i = 0; i < texts.size(); i++) {
            for (String w : texts.get(i).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (w.isEmpty()) continue;
                int h = (salt + w).hashCode();
                out[i][Math.floorMod(h, dim)] += (h & 0x100) != 0 ? 1f : -1f;
                out[i][Math.floorMod(h * 31 + 7, dim)] += 0.5f;
            }
        }
        return out;
    }

    @Override
    public String fingerprint() {
        return "hash-bow-" + dim + "-" + salt;
    }
}
