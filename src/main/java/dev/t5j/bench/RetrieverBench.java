package dev.t5j.bench;

import org.bytedeco.pytorch.NoGradGuard;
import dev.t5j.engine.Tensors;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.ContrieverEmbedder;
import dev.t5j.retrieval.Passage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.tokenizer.BertEncoding;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Corpus-embedding throughput of a Contriever: passages/s through {@link ContrieverEmbedder} (eval, no grad,
 * length-sorted batches padded to the longest) and, for comparison, in file order as Atlas batches them, on the given
 * thread counts. Useful FLOPs count only real tokens: per passage of n tokens, 2·L·(4d² + 2·d·ff)·n for the linear
 * layers plus 4·L·d·n² for attention scores and the weighted sum.
 */
public final class RetrieverBench {
    public record Config(List<String> presets, Path passages, Path vocab, int count, int textMaxLength, int batch,
            List<Integer> threads, long seed) {}

    private RetrieverBench() {}

    /** Up to {@code count} passages of an Atlas jsonl file as retriever strings ("{title} {text}"). */
    public static List<String> readPassages(Path file, int count) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long no = 0;
            while (out.size() < count && (line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode n = Json.readLine(file, no, line);
                JsonNode text = n.get("text");
                if (text == null || !text.isTextual()) throw UserError.at(file, no, "text", "missing or not a string");
                String title = n.path("title").asText("");
                String section = n.path("section").asText("");
                if (!section.isEmpty()) title = title + ": " + section;
                out.add(Passage.of(n.path("id").asText(String.valueOf(no)), title, text.asText()).retrieverText());
            }
        }
        if (out.isEmpty()) throw new UserError(file + ": no passages");
        return out;
    }

    public static void run(Config c, PrintStream out) throws IOException {
        List<String> texts = readPassages(c.passages(), c.count());
        WordPieceVocabulary vocab = WordPieceVocabulary.load(c.vocab());
        out.printf(Locale.ROOT, "%d passages from %s, text_maxlength %d, batch %d%n", texts.size(), c.passages(),
                c.textMaxLength(), c.batch());
        for (String preset : c.presets()) {
            BertConfig bc = BertConfig.preset(preset).withDropout(0, 0);
            try (Contriever model = Contriever.init(bc, vocab, c.seed())) {
                List<BertEncoding> enc = model.encode(texts, c.textMaxLength());
                long tokens = 0, maxTok = 0;
                double flops = 0;
                double d = bc.hiddenSize(), ff = bc.intermediateSize(), layers = bc.numHiddenLayers();
                for (BertEncoding e : enc) {
                    double n = e.length();
                    tokens += e.length();
                    maxTok = Math.max(maxTok, e.length());
                    flops += 2 * layers * (4 * d * d + 2 * d * ff) * n + 4 * layers * d * n * n;
                }
                out.printf(Locale.ROOT,
                        "%s: %,d parameters, %d tokens/passage on average (max %d), %.1f GFLOP per pass over the " +
                        "passages%n",
                        preset, model.bert().parameterCount(), tokens / texts.size(), maxTok, flops / 1e9);
                for (int t : c.threads()) {
                    Torch.setThreads(t);
                    double peak = ModelBench.sgemmPeak();
                    ContrieverEmbedder emb = new ContrieverEmbedder(model, c.textMaxLength(),
                            Contriever.Padding.LONGEST, c.batch(), "bench")
                            .withProgress(false);
                    emb.embed(texts.subList(0, Math.min(texts.size(), 2 * c.batch()))); // warm-up
                    long t0 = System.nanoTime();
                    emb.embed(texts);
                    double sorted = (System.nanoTime() - t0) / 1e9;
                    t0 = System.nanoTime();
                    fileOrder(model, texts, c);
                    double fileOrder = (System.nanoTime() - t0) / 1e9;
                    out.printf(Locale.ROOT,
                            "  %d thread(s), sgemm peak %.1f GFLOP/s: %.1f passages/s (%.0f tokens/s, %.1f GFLOP/s " +
                            "= %.0f%% of peak) length-sorted; "
                                    + "%.1f passages/s in file order (Atlas batching)%n",
                            t, peak, texts.size() / sorted, tokens / sorted, flops / sorted / 1e9,
                                    100 * flops / sorted / 1e9 / peak,
                            texts.size() / fileOrder);
                }
            }
        }
    }

    /** Batches in input order, padded to each batch's longest, as Atlas's index building does. */
    private static void fileOrder(Contriever model, List<String> texts, Config c) {
        model.train(false);
        for (int b = 0; b < texts.size(); b += c.batch()) {
            try (PointerScope s = new PointerScope(); var ng = new NoGradGuard()) {
                Tensors.toFloats(model.embed(texts.subList(b, Math.min(texts.size(), b + c.batch())), c.textMaxLength(),
                        Contriever.Padding.LONGEST));
            }
        }
    }
}
