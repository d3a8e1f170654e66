package dev.t5j.tokenizer;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import dev.t5j.common.Progress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * BPE training as in SentencePiece (bpe_model_trainer.cc): start from the required characters, repeatedly merge the
 * most frequent adjacent pair inside words (never across U+2581, never mixing scripts, at most
 * {@code max_sentencepiece_length} characters). Merged pieces get scores 0, -1, -2, ... in merge order, so the
 * encoder applies them in the same order; single characters follow.
 */
final class BpeTrainer {
    private final TrainerConfig cfg;
    private final TrainingCorpus corpus;
    private final int targetPieces;

    private final List<String> symbols = new ArrayList<>();
    private final List<Integer> symbolClass = new ArrayList<>(); // script class, ANY for mixed-free, -9 invalid
    private final List<Integer> symbolChars = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();

    BpeTrainer(TrainerConfig cfg, TrainingCorpus corpus, int targetPieces) {
        this.cfg = cfg;
        this.corpus = corpus;
        this.targetPieces = targetPieces;
    }

    private int symbol(String s, int cls, int chars) {
        Integer id = symbolIds.get(s);
        if (id != null) return id;
        symbols.add(s);
        symbolClass.add(cls);
        symbolChars.add(chars);
        symbolIds.put(s, symbols.size() - 1);
        return symbols.size() - 1;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    List<Map.Entry<String, Float>> train() {
        int unknown = symbol(new String(Character.toChars(TrainingCorpus.UNK_CHAR)), -9, 1);
        for (int c : corpus.requiredChars) symbol(new String(Character.toChars(c)), UnigramTrainer.scriptClass(c), 1);
        int nw = corpus.words.length;
        int[][] w = new int[nw][];
        for (int i = 0; i < nw; i++) {
            int[] cps = corpus.words[i].codePoints().toArray();
            w[i] = new int[cps.length];
            for (int k = 0; k < cps.length; k++) {
                Integer id = symbolIds.get(new String(Character.toChars(cps[k])));
                w[i][k] = id == null ? unknown : id;
            }
        }
        Map<Long, long[]> counts = new HashMap<>();
        Map<Long, IntList> where = new HashMap<>();
        for (int i = 0; i < nw; i++) {
            for (int k = 0; k + 1 < w[i].length; k++) {
                long kk = key(w[i][k], w[i][k + 1]);
                counts.computeIfAbsent(kk, x -> new long[1])[0] += corpus.freqs[i];
                where.computeIfAbsent(kk, x -> new IntList()).add(i);
            }
        }
        // max-heap of (count, key); stale entries are skipped when their count changed
        PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0])
                : Long.compare(x[1], y[1]));
        for (var e : counts.entrySet()) heap.add(new long[] {e.getValue()[0], e.getKey()});
        int wantMerges = targetPieces - corpus.requiredChars.length;
        List<String> merges = new ArrayList<>();
        int[] seen = new int[nw];
        int stamp = 0;
        try (Progress progress = new Progress("bpe merges", Math.max(0, wantMerges), "merges")) {
            while (merges.size() < wantMerges && !heap.isEmpty()) {
                long[] top = heap.poll();
                long[] cur = counts.get(top[1]);
                if (cur == null || cur[0] <= 0) continue;
                // stale entry: the count dropped since it was queued; requeue at the current count
                if (cur[0] != top[0]) {
                    heap.add(new long[] {cur[0], top[1]});
                    continue;
                }
                int a = (int) (top[1] >>> 32), b = (int) top[1];
                int ca = symbolClass.get(a), cb = symbolClass.get(b);
                int chars = symbolChars.get(a) + symbolChars.get(b);
                String s = symbols.get(a) + symbols.get(b);
                boolean valid = ca != -9 && cb != -9 && chars <= cfg.maxSentencepieceLength()
                        && !symbols.get(b).startsWith("\u2581")
                        && (ca == ANY || cb == ANY || ca == cb);
                if (!valid) {
                    counts.remove(top[1]);
                    continue;
                }
                int merged = symbol(s, ca == ANY ? cb : ca, chars);
                merges.add(s);
                progress.step(1);
                stamp++;
                Set<Long> touched = new HashSet<>();
                IntList ws = where.get(top[1]);
                for (int q = 0; q < ws.size(); q++) {
                    int i = ws.get(q);
                    if (seen[i] == stamp) continue;
                    seen[i] = stamp;
                    int[] sy = w[i];
                    long f = corpus.freqs[i];
                    int n = sy.length;
                    int[] out = new int[n];
                    int o = 0;
                    boolean changed = false;
                    for (int k = 0; k < n; ) {
                        if (k + 1 < n && sy[k] == a && sy[k + 1] == b) {
                            out[o++] = merged;
                            k += 2;
                            changed = true;
                        } else {
                            out[o++] = sy[k++];
                        }
                    }
                    if (!changed) continue;
                    for (int k = 0; k + 1 < n; k++) bump(counts, null, key(sy[k], sy[k + 1]), -f, i, null);
                    w[i] = Arrays.copyOf(out, o);
                    for (int k = 0; k + 1 < o; k++) bump(counts, where, key(w[i][k], w[i][k + 1]), f, i, touched);
                }
                counts.remove(top[1]);
                where.remove(top[1]);
                for (long t : touched) {
                    long[] c = counts.get(t);
                    if (c != null && c[0] > 0) heap.add(new long[] {c[0], t});
                }
            }
        }
        List<Map.Entry<String, Float>> out = new ArrayList<>();
        Set<String> seenPieces = new HashSet<>();
        for (String m : merges) if (seenPieces.add(m)) out.add(Map.entry(m, (float) -out.size()));
        for (int c : corpus.requiredChars) {
            String s = new String(Character.toChars(c));
            if (seenPieces.add(s)) out.add(Map.entry(s, (float) -out.size()));
        }
        return out;
    }

    private static final int ANY = -2;

    /** Adjusts a pair count; increased pairs are queued once per merge (through {@code touched}), decreases lazily. */
    private static void bump(Map<Long, long[]> counts, Map<Long, IntList> where, long k, long delta, int word,
                             Set<Long> touched) {
        long[] c = counts.computeIfAbsent(k, x -> new long[1]);
        c[0] += delta;
        if (touched != null) touched.add(k);
        if (where != null && delta > 0) where.computeIfAbsent(k, x -> new IntList()).add(word);
    }
}
