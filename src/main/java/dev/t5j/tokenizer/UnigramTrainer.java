package dev.t5j.tokenizer;

import java.util.LinkedHashMap;
import java.util.Locale;
import dev.t5j.common.Progress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Unigram language-model training as in SentencePiece (unigram_model_trainer.cc): seed pieces from frequent
 * substrings scored by frequency × length, EM (forward-backward expected counts, Bayesian M-step with digamma) and
 * pruning by the likelihood loss of removing each piece until about 1.1 × the target size, then the most probable
 * pieces plus every required character are kept.
 */
final class UnigramTrainer {
    private static final double EXPECTED_FREQUENCY_THRESHOLD = 0.5;
    private static final int MAX_SEED_TABLE = 4_000_000;

    private final TrainerConfig cfg;
    private final TrainingCorpus corpus;
    private final byte[][] words;
    private final int targetPieces;

    UnigramTrainer(TrainerConfig cfg, TrainingCorpus corpus, int targetPieces) {
        this.cfg = cfg;
        this.corpus = corpus;
        this.targetPieces = targetPieces;
        words = new byte[corpus.words.length][];
        for (int i = 0; i < words.length; i++) words[i] = corpus.words[i].getBytes(StandardCharsets.UTF_8);
    }

    /** Pieces with their final log-probability scores, best first. */
    List<Map.Entry<String, Float>> train() {
        List<String> pieces = new ArrayList<>();
        double[] seedScores = seeds(pieces);
        float[] scores = toLogProb(seedScores);
        int desired = (int) Math.ceil(targetPieces * 1.1);
        ForkJoinPool pool = new ForkJoinPool(cfg.threads());
        try (Progress progress = new Progress("unigram EM", 0, "iterations")) {
            while (true) {
                for (int sub = 0; sub < cfg.numSubIterations(); sub++) {
                    double[] expected = new double[pieces.size()];
                    double objective = eStep(pool, pieces, scores, expected);
                    // M-step: drop rare pieces, re-estimate with the digamma (Bayesian) update
                    List<String> kept = new ArrayList<>();
                    List<Double> freq = new ArrayList<>();
                    double sum = 0;
                    for (int i = 0; i < expected.length; i++) {
                        if (expected[i] < EXPECTED_FREQUENCY_THRESHOLD) continue;
                        kept.add(pieces.get(i));
                        freq.add(expected[i]);
                        sum += expected[i];
                    }
                    double logsum = digamma(sum);
                    scores = new float[kept.size()];
                    for (int i = 0; i < scores.length; i++) scores[i] = (float) (digamma(freq.get(i)) - logsum);
                    pieces = kept;
                    progress.setExtra(String.format(Locale.ROOT, "pieces %d obj %.4f", pieces.size(),
                            objective / Math.max(1, corpus.words.length)));
                    progress.step(1);
                }
                if (pieces.size() <= desired) break;
                int pruned = Math.max(desired, (int) (cfg.shrinkingFactor() * pieces.size()));
                int[] keep = prune(pool, pieces, scores, pruned);
                // prune removed nothing (the pieces without an alternative segmentation fill it):
                // finalizePieces keeps the best scored up to the target; looping on would never end
                if (keep.length >= pieces.size()) break;
                List<String> np = new ArrayList<>(keep.length);
                float[] ns = new float[keep.length];
                for (int i = 0; i < keep.length; i++) {
                    np.add(pieces.get(keep[i]));
                    ns[i] = scores[keep[i]];
                }
                pieces = np;
                scores = ns;
            }
        } finally {
            pool.shutdown();
        }
        return finalizePieces(pieces, scores);
    }

    // ------------------------------------------------------------------ seeds

    private double[] seeds(List<String> out) {
        Map<String, long[]> subs = new HashMap<>();
        long minCount = 1;
        int maxLen = cfg.maxSentencepieceLength();
        for (int w = 0; w < corpus.words.length; w++) {
            int[] cps = corpus.words[w].codePoints().toArray();
            long f = corpus.freqs[w];
            for (int s = 0; s < cps.length; s++) {
                int cls = -1;
                for (int e = s; e < cps.length && e - s < maxLen; e++) {
                    int c = cps[e];
                    if (c == TrainingCorpus.UNK_CHAR) break;
                    if (c == 0x2581 && e > s) break; // whitespace only as a prefix
                    int k = scriptClass(c);
                    if (k != ANY) {
                        if (cls != -1 && cls != k) break; // never mix scripts (split_by_unicode_script/number)
                        cls = k;
                    }
                    if (e == s) continue; // single characters come from the required set
                    String sub = new String(cps, s, e - s + 1);
                    subs.computeIfAbsent(sub, x -> new long[1])[0] += f;
                }
            }
            if (subs.size() > MAX_SEED_TABLE) {
                while (subs.size() > MAX_SEED_TABLE / 2) {
                    final long m = minCount;
                    subs.values().removeIf(v -> v[0] <= m);
                    minCount++;
                }
            }
        }
        List<Map.Entry<String, long[]>> cand = new ArrayList<>();
        for (var e : subs.entrySet()) if (e.getValue()[0] >= 2) cand.add(e);
        cand.sort((a, b) -> {
            long sa = a.getValue()[0] * a.getKey().codePointCount(0, a.getKey().length());
            long sb = b.getValue()[0] * b.getKey().codePointCount(0, b.getKey().length());
            return sa != sb ? Long.compare(sb, sa) : a.getKey().compareTo(b.getKey());
        });
        int limit = Math.max(0, cfg.seedSize() - corpus.requiredChars.length);
        List<Double> sc = new ArrayList<>();
        for (int i = 0; i < corpus.requiredChars.length; i++) {
            out.add(new String(Character.toChars(corpus.requiredChars[i])));
            sc.add((double) corpus.requiredCharFreqs[i]);
        }
        for (int i = 0; i < cand.size() && i < limit; i++) {
            var e = cand.get(i);
            out.add(e.getKey());
            sc.add((double) e.getValue()[0] * e.getKey().codePointCount(0, e.getKey().length()));
        }
        double[] r = new double[sc.size()];
        for (int i = 0; i < r.length; i++) r[i] = sc.get(i);
        return r;
    }

    private static final int ANY = -2, NUMBER = -3;

    /** Script class for split_by_unicode_script: Han, Hiragana and Katakana together; digits on their own. */
    static int scriptClass(int cp) {
        if (cp == 0x2581) return ANY;
        if (Character.isDigit(cp)) return NUMBER;
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        if (s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA || cp == 0x30FC)
            s = Character.UnicodeScript.HAN;
        if (s == Character.UnicodeScript.INHERITED) return ANY;
        return s.ordinal();
    }

    private static float[] toLogProb(double[] v) {
        double sum = 0;
        for (double x : v) sum += x;
        double ls = Math.log(sum);
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (float) (Math.log(v[i]) - ls);
        return r;
    }

    // ------------------------------------------------------------------ lattice work

    private ByteTrie trieOf(List<String> pieces) {
        List<byte[]> keys = new ArrayList<>(pieces.size());
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            keys.add(pieces.get(i).getBytes(StandardCharsets.UTF_8));
            ids[i] = i;
        }
        return ByteTrie.build(keys, ids);
    }

    private static float minScore(float[] scores) {
        float m = Float.MAX_VALUE;
        for (float s : scores) m = Math.min(m, s);
        return m;
    }

    /** Expected piece counts over all words (forward-backward); returns the total log-likelihood. */
    private double eStep(ForkJoinPool pool, List<String> pieces, float[] scores, double[] expected) {
        ByteTrie trie = trieOf(pieces);
        double unk = minScore(scores) - 10.0;
        int chunks = Math.max(1, cfg.threads() * 4);
        double[][] partial = new double[chunks][];
        double[] obj = new double[chunks];
        try {
            pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(c -> {
                double[] exp = new double[expected.length];
                double o = 0;
                double[] alpha = new double[64], beta = new double[64];
                for (int w = c; w < words.length; w += chunks) {
                    byte[] s = words[w];
                    int n = s.length;
                    if (alpha.length < n + 1) {
                        alpha = new double[n + 1];
                        beta = new double[n + 1];
                    }
                    Arrays.fill(alpha, 0, n + 1, Double.NEGATIVE_INFINITY);
                    Arrays.fill(beta, 0, n + 1, Double.NEGATIVE_INFINITY);
                    alpha[0] = 0;
                    for (int p = 0; p < n; p += Utf8.oneCharLen(s[p])) {
                        if (alpha[p] == Double.NEGATIVE_INFINITY) continue;
                        int m = Utf8.oneCharLen(s[p]);
                        boolean single = false;
                        int node = ByteTrie.ROOT;
                        for (int k = p; k < n; k++) {
                            node = trie.child(node, s[k]);
                            if (node < 0) break;
                            int id = trie.value(node);
                            if (id < 0) continue;
                            if (k + 1 - p == m) single = true;
                            alpha[k + 1] = logAdd(alpha[k + 1], alpha[p] + scores[id]);
                        }
                        if (!single) alpha[p + m] = logAdd(alpha[p + m], alpha[p] + unk);
                    }
                    beta[n] = 0;
                    int[] starts = charStarts(s);
                    for (int q = starts.length - 1; q >= 0; q--) {
                        int p = starts[q];
                        int m = Utf8.oneCharLen(s[p]);
                        boolean single = false;
                        int node = ByteTrie.ROOT;
                        for (int k = p; k < n; k++) {
                            node = trie.child(node, s[k]);
                            if (node < 0) break;
                            int id = trie.value(node);
                            if (id < 0) continue;
                            if (k + 1 - p == m) single = true;
                            beta[p] = logAdd(beta[p], scores[id] + beta[k + 1]);
                        }
                        if (!single) beta[p] = logAdd(beta[p], unk + beta[p + m]);
                    }
                    double z = alpha[n];
                    long f = corpus.freqs[w];
                    o += f * z;
                    for (int p : starts) {
                        if (alpha[p] == Double.NEGATIVE_INFINITY) continue;
                        int node = ByteTrie.ROOT;
                        for (int k = p; k < n; k++) {
                            node = trie.child(node, s[k]);
                            if (node < 0) break;
                            int id = trie.value(node);
                            if (id < 0) continue;
                            exp[id] += f * Math.exp(alpha[p] + scores[id] + beta[k + 1] - z);
                        }
                    }
                }
                partial[c] = exp;
                obj[c] = o;
            })).get();
        } catch (Exception e) {
            throw new IllegalStateException("EM step failed", e);
        }
        double total = 0;
        for (int c = 0; c < chunks; c++) {
            for (int i = 0; i < expected.length; i++) expected[i] += partial[c][i];
            total += obj[c];
        }
        return total;
    }

    private static int[] charStarts(byte[] s) {
        int count = 0;
        for (int p = 0; p < s.length; p += Utf8.oneCharLen(s[p])) count++;
        int[] r = new int[count];
        int i = 0;
        for (int p = 0; p < s.length; p += Utf8.oneCharLen(s[p])) r[i++] = p;
        return r;
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double hi = Math.max(a, b), lo = Math.min(a, b);
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /**
     * Viterbi of {@code s} (skipping piece {@code exclude} over the whole string): fills {@code path} with piece ids
     * (-1 = unknown) and returns the best score, or NaN when nothing covers the string.
     */
    private static double viterbi(byte[] s, ByteTrie trie, float[] scores, double unk, int exclude, IntList path) {
        int n = s.length;
        double[] best = new double[n + 1];
        int[] from = new int[n + 1], id = new int[n + 1];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        best[0] = 0;
        for (int p = 0; p < n; p += Utf8.oneCharLen(s[p])) {
            if (best[p] == Double.NEGATIVE_INFINITY) continue;
            int m = Utf8.oneCharLen(s[p]);
            boolean single = false;
            int node = ByteTrie.ROOT;
            for (int k = p; k < n; k++) {
                node = trie.child(node, s[k]);
                if (node < 0) break;
                int v = trie.value(node);
                if (v < 0) continue;
                if (k + 1 - p == m) single = true;
                if (v == exclude && p == 0 && k + 1 == n) continue;
                double c = best[p] + scores[v];
                if (c > best[k + 1]) {
                    best[k + 1] = c;
                    from[k + 1] = p;
                    id[k + 1] = v;
                }
            }
            if (!single && unk > Double.NEGATIVE_INFINITY) {
                double c = best[p] + unk;
                if (c > best[p + m]) {
                    best[p + m] = c;
                    from[p + m] = p;
                    id[p + m] = -1;
                }
            }
        }
        if (best[n] == Double.NEGATIVE_INFINITY) return Double.NaN;
        if (path != null) {
            path.clear();
            IntList rev = new IntList();
            for (int e = n; e > 0; e = from[e]) rev.add(id[e]);
            for (int i = rev.size() - 1; i >= 0; i--) path.add(rev.get(i));
        }
        return best[n];
    }

    /** PruneSentencePieces: keep the {@code size} pieces whose removal would cost the most likelihood. */
    private int[] prune(ForkJoinPool pool, List<String> pieces, float[] scores, int size) {
        ByteTrie trie = trieOf(pieces);
        int n = pieces.size();
        boolean[] alwaysKeep = new boolean[n];
        int[][] alternatives = new int[n][];
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
                byte[] s = pieces.get(i).getBytes(StandardCharsets.UTF_8);
                IntList alt = new IntList();
                double altScore = viterbi(s, trie, scores, Double.NEGATIVE_INFINITY, i, alt);
                if (Double.isNaN(altScore)) {
                    alwaysKeep[i] = true; // no other segmentation: must stay
                    alternatives[i] = new int[0];
                } else if (altScore > scores[i]) {
                    alwaysKeep[i] = false; // the piece is never its own best segmentation
                } else {
                    alwaysKeep[i] = true;
                    alternatives[i] = alt.toArray();
                }
            })).get();
        } catch (Exception e) {
            throw new IllegalStateException("pruning failed", e);
        }
        double unk = minScore(scores) - 10.0;
        double[] freq = new double[n];
        double vsum = 0;
        IntList path = new IntList();
        for (int w = 0; w < words.length; w++) {
            long f = corpus.freqs[w];
            vsum += f;
            viterbi(words[w], trie, scores, unk, -1, path);
            for (int k = 0; k < path.size(); k++) if (path.get(k) >= 0) freq[path.get(k)] += f;
        }
        double sum = 0;
        for (double f : freq) sum += f;
        double logsum = Math.log(sum);
        IntList keep = new IntList();
        List<double[]> cands = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (freq[i] == 0 || !alwaysKeep[i]) continue;
            if (alternatives[i].length == 0) {
                keep.add(i);
                continue;
            }
            double F = freq[i] / vsum;
            double logprobSp = Math.log(freq[i]) - logsum;
            double logsumAlt = Math.log(sum + freq[i] * (alternatives[i].length - 1));
            double logprobAlt = 0;
            for (int a : alternatives[i]) logprobAlt += Math.log(freq[a] + freq[i]) - logsumAlt;
            cands.add(new double[] {i, F * (logprobSp - logprobAlt)});
        }
        cands.sort((a, b) -> a[1] != b[1] ? Double.compare(b[1], a[1]) : Double.compare(a[0], b[0]));
        for (double[] c : cands) {
            if (keep.size() >= size) break;
            keep.add((int) c[0]);
        }
        int[] r = keep.toArray();
        Arrays.sort(r);
        return r;
    }

    /** FinalizeSentencePieces: every required character, then the best-scored pieces up to the target. */
    private List<Map.Entry<String, Float>> finalizePieces(List<String> pieces, float[] scores) {
        Map<String, Float> sp = new HashMap<>();
        for (int i = 0; i < scores.length; i++) sp.put(pieces.get(i), scores[i]);
        float min = minScore(scores);
        Map<String, Float> fin = new LinkedHashMap<>();
        float penalty = 0;
        for (int c : corpus.requiredChars) {
            String s = new String(Character.toChars(c));
            if (sp.containsKey(s)) fin.put(s, sp.get(s));
            else {
                fin.put(s, min + penalty);
                penalty -= 0.0001f; // required pieces get distinct scores, frequent ones higher
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) order.add(i);
        final float[] sc = scores;
        final List<String> ps = pieces;
        order.sort((a, b) -> sc[a] != sc[b] ? Float.compare(sc[b], sc[a]) : ps.get(a).compareTo(ps.get(b)));
        for (int i : order) {
            if (fin.size() >= targetPieces) break;
            fin.putIfAbsent(pieces.get(i), scores[i]);
        }
        List<Map.Entry<String, Float>> out = new ArrayList<>(fin.entrySet());
        out.sort((a, b) -> !a.getValue().equals(b.getValue()) ? Float.compare(b.getValue(), a.getValue())
                : a.getKey().compareTo(b.getKey()));
        return out;
    }

    /** Digamma function (asymptotic series after shifting the argument above 5), as spm's Digamma. */
    static double digamma(double x) {
        double result = 0;
        for (; x < 5; ++x) result -= 1 / x;
        x -= 0.5;
        double xx = 1.0 / x, xx2 = xx * xx, xx4 = xx2 * xx2;
        result += Math.log(x) + (1.0 / 24.0) * xx2 - (7.0 / 960.0) * xx4
                + (31.0 / 8064.0) * xx4 * xx2 - (127.0 / 30720.0) * xx4 * xx4;
        return result;
    }
}
