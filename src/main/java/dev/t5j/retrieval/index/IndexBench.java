package dev.t5j.retrieval.index;

import java.util.Arrays;
import dev.t5j.common.Progress;
import dev.t5j.engine.Torch;
import dev.t5j.retrieval.Passage;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * {@code t5j bench index}: flat search q/s (libtorch, fp32 and fp16 storage, batch 1 and 64) against a plain-Java
 * reference scan of the same vectors, and the HNSW index's build time, recall@10 against the flat index and q/s.
 * Vectors are a gaussian mixture (random centres plus noise) so that nearest neighbours mean something for the ANN;
 * the flat search cost does not depend on the values.
 */
public final class IndexBench {
    /**
     * @param passages   corpus size
     * @param dim        embedding size
     * @param queries1   single queries timed
     * @param batches64  batches of 64 queries timed
     * @param reference  also time the plain-Java scan
     * @param ann        also build and measure the HNSW index
     * @param hnsw       HNSW settings
     * @param annQueries queries for recall and q/s of the ANN
     */
    public record Config(int passages, int dim, int queries1, int batches64, boolean reference, boolean ann,
            HnswOptions hnsw,
                         int annQueries, long seed) {}

    public record Row(String what, String figure, String note) {}

    private IndexBench() {}

    public static List<Row> run(Config c, PrintWriter out) {
        Torch.init();
        List<Row> rows = new ArrayList<>();
        List<Passage> passages = new ArrayList<>(c.passages());
        for (int i = 0; i < c.passages(); i++) passages.add(Passage.of("p" + i, "", ""));
        float[][] centres = gaussian(new SplittableRandom(c.seed()), 1000, c.dim(), 1f);
        out.printf(Locale.ROOT, "generating %d x %d vectors (gaussian mixture, 1000 centres)%n", c.passages(), c.dim());
        out.flush();
        try (FlatIndex f32 = FlatIndex.allocate(passages, c.dim(), IndexDtype.FP32, 1, "bench")) {
            SplittableRandom r = new SplittableRandom(c.seed() + 1);
            for (int start = 0; start < c.passages(); start += 4096) {
                int n = Math.min(4096, c.passages() - start);
                f32.setRows(start, mixture(r, centres, n, 0.5f));
            }
            float[][] q1 = mixture(new SplittableRandom(c.seed() + 2), centres, c.queries1(), 0.5f);
            float[][] q64 = mixture(new SplittableRandom(c.seed() + 3), centres, 64, 0.5f);
            List<List<Hit>> exact64 = f32.search(q64, 10);
            time(rows, out, "flat fp32 (libtorch), batch 1", f32, q1, 1, c.queries1());
            time(rows, out, "flat fp32 (libtorch), batch 64", f32, q64, 64, c.batches64());

            if (c.reference()) {
                float[] matrix = new float[c.passages() * c.dim()];
                f32.copyRows(0, c.passages(), matrix);
                int nq = Math.max(1, Math.min(c.queries1(), 5));
                long t0 = System.nanoTime();
                for (int i = 0; i < nq; i++) BruteForce.search(matrix, c.passages(), c.dim(), new float[][] {q1[i]},
                        10);
                double s = (System.nanoTime() - t0) / 1e9;
                add(rows, out, "plain Java loop, 1 thread, batch 1", nq / s, String.format(Locale.ROOT, "%.1f ms/query",
                        1e3 * s / nq));
                int threads = Torch.threads();
                t0 = System.nanoTime();
                BruteForce.Result[] parts = new BruteForce.Result[64];
                IntStream.range(0, 64).parallel().forEach(i -> parts[i] = BruteForce.search(matrix, c.passages(),
                        c.dim(), new float[][] {q64[i]}, 10));
                s = (System.nanoTime() - t0) / 1e9;
                int same = 0;
                for (int i = 0; i < 64; i++) if (Arrays.equals(parts[i].rows()[0],
                        rowsOf(exact64.get(i)))) same++;
                add(rows, out, "plain Java loop, " + Math.min(threads, Runtime.getRuntime().availableProcessors())
                        + " threads (parallel over queries), batch 64", 64 / s,
                        same + "/64 queries give the same top-10 as libtorch");
            }

            try (FlatIndex f16 = FlatIndex.allocate(passages, c.dim(), IndexDtype.FP16, 1, "bench")) {
                float[][] buf = new float[4096][c.dim()];
                float[] flat = new float[4096 * c.dim()];
                for (int start = 0; start < c.passages(); start += 4096) {
                    int n = Math.min(4096, c.passages() - start);
                    f32.copyRows(start, n, flat);
                    float[][] rowsN = n == 4096 ? buf : new float[n][c.dim()];
                    for (int i = 0; i < n; i++) System.arraycopy(flat, i * c.dim(), rowsN[i], 0, c.dim());
                    f16.setRows(start, rowsN);
                }
                time(rows, out, "flat fp16 storage, batch 1 (fp16 gemv + exact fp32 re-scoring)", f16, q1, 1,
                        c.queries1());
                time(rows, out, "flat fp16 storage, batch 64 (rows widened to fp32 per block)", f16, q64, 64,
                        c.batches64());
                add(rows, out, "fp16 storage: recall@10 vs fp32 storage", Recall.atK(f16.search(q64, 10), exact64, 10),
                        "the difference is fp16 rounding of the rows only");
            }

            if (c.ann()) {
                long t0 = System.nanoTime();
                HnswIndex hnsw;
                try (Progress p = new Progress("hnsw build", c.passages(), "vectors")) {
                    hnsw = HnswIndex.build(f32, c.hnsw(), p);
                }
                double build = (System.nanoTime() - t0) / 1e9;
                add(rows, out, String.format(Locale.ROOT, "HNSW build (m %d, beam %d, %d partitions, %d threads)",
                        c.hnsw().m(), c.hnsw().beamWidth(),
                        c.hnsw().partitions(), c.hnsw().threads()), build, String.format(Locale.ROOT,
                                "seconds, %.0f vectors/s", c.passages() / build));
                try (hnsw) {
                    float[][] qa = mixture(new SplittableRandom(c.seed() + 4), centres, c.annQueries(), 0.5f);
                    List<List<Hit>> exact = f32.search(qa, 10);
                    for (int ef : new int[] {10, 50, 100, 200}) {
                        HnswIndex h = hnsw.withEfSearch(ef);
                        h.search(new float[][] {qa[0]}, 10);
                        long s0 = System.nanoTime();
                        List<List<Hit>> approx = h.search(qa, 10);
                        double s = (System.nanoTime() - s0) / 1e9;
                        add(rows, out, "HNSW efSearch " + ef + ", one query at a time", qa.length / s,
                                String.format(Locale.ROOT, "q/s, recall@10 vs flat %.3f", Recall.atK(approx, exact,
                                        10)));
                    }
                }
            }
        }
        return rows;
    }

    private static int[] rowsOf(List<Hit> hits) {
        return hits.stream().mapToInt(Hit::index).toArray();
    }

    private static void time(List<Row> rows, PrintWriter out, String what, FlatIndex idx, float[][] queries, int batch,
            int reps) {
        // warm-up (first touch of the pages, BLAS thread start)
        idx.search(batch == 1 ? new float[][] {queries[0]} : queries, 10);
        long t0 = System.nanoTime();
        int done = 0;
        for (int i = 0; i < reps; i++) {
            if (batch == 1) idx.search(new float[][] {queries[i % queries.length]}, 10);
            else idx.search(queries, 10);
            done += batch;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        add(rows, out, what, done / s, String.format(Locale.ROOT, "q/s, %.1f ms per batch", 1e3 * s / reps));
    }

    private static void add(List<Row> rows, PrintWriter out, String what, double v, String note) {
        String fig = v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.3f", v);
        rows.add(new Row(what, fig, note));
        out.printf(Locale.ROOT, "%-70s %10s  %s%n", what, fig, note);
        out.flush();
    }

    static float[][] gaussian(SplittableRandom r, int n, int dim, float scale) {
        float[][] v = new float[n][dim];
        for (float[] row : v) for (int j = 0; j < dim; j++) row[j] = scale * (float) gauss(r);
        return v;
    }

    static float[][] mixture(SplittableRandom r, float[][] centres, int n, float noise) {
        int dim = centres[0].length;
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int j = 0; j < dim; j++) row[j] = c[j] + noise * (float) gauss(r);
        }
        return v;
    }

    private static double gauss(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    public static String markdown(Config c, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d passages x %d dims, k = 10, %d libtorch threads%n%n", c.passages(),
                c.dim(), Torch.threads()));
        sb.append("| measurement | figure | unit / note |\n|---|---:|---|\n");
        for (Row r : rows) sb.append("| ").append(r.what()).append(" | ").append(r.figure()).append(" | ")
                .append(r.note()).append(" |\n");
        return sb.toString();
    }
}
