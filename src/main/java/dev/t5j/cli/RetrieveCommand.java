package dev.t5j.cli;

import java.io.IOException;
import dev.t5j.engine.Tensors;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.PassageIndex;
import dev.t5j.retrieval.index.Hit;
import dev.t5j.retrieval.index.IndexLoadOptions;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j retrieve}: top-k passages of a saved index for one query or a jsonl file of queries. */
@Command(name = "retrieve", mixinStandardHelpOptions = true, description = "Search a passage index with a retriever.")
public final class RetrieveCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "Index directory (t5j index build)")
    Path index;
    @Option(names = "--retriever", required = true, description = "Retriever directory (the one that built the index)")
    Path retriever;
    @Option(names = "--query", description = "One query")
    String query;
    @Option(names = "--queries", description =
            "jsonl file: a 'query' field, or a 'question' field rendered with --qa-prompt")
    Path queries;
    @Option(names = "--qa-prompt", defaultValue = "question: {question} answer: <extra_id_0>",
            description = "How a 'question' becomes the retriever query (Atlas's qa task; default '${DEFAULT-VALUE}')")
    String qaPrompt;
    @Option(names = "-k", defaultValue = "10",
            description = "Passages returned per query (default ${DEFAULT-VALUE})")
    int k;
    @Option(names = "--force", description = "Search even if the index was built by another encoder")
    boolean force;
    @Option(names = "--json", description = "One JSON object per query: {query, passages:[{id,title,text,score}]}")
    boolean json;
    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
        if ((query == null) == (queries == null)) throw new UserError("give exactly one of --query or --queries");
        if (k < 1) throw new UserError("-k must be >= 1");
        Torch.init(threads);
        Torch.setThreads(threads);
        List<String> qs = query != null ? List.of(query) : readQueries(queries, qaPrompt);
        try (Retriever r = Retriever.load(retriever);
             PassageIndex idx = PassageIndex.load(index, IndexLoadOptions.expecting(r.fingerprint())
                     .withForce(force))) {
            List<List<Hit>> hits = new ArrayList<>();
            for (int from = 0; from < qs.size(); from += 64) {
                List<String> batch = qs.subList(from, Math.min(qs.size(), from + 64));
                float[][] v;
                try (PointerScope s = new PointerScope()) {
                    Tensor t = r.queryEmbeddings(batch, false);
                    v = Tensors.toRows(t);
                }
                hits.addAll(idx.search(v, Math.min(k, idx.size())));
            }
            for (int i = 0; i < qs.size(); i++) print(qs.get(i), hits.get(i));
        }
        return 0;
    }

    private void print(String q, List<Hit> hits) {
        if (json) {
            List<Map<String, Object>> ps = new ArrayList<>();
            for (Hit h : hits) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("id", h.passage().id());
                p.put("title", h.passage().title());
                p.put("text", h.passage().text());
                p.put("score", h.score());
                ps.add(p);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("query", q);
            o.put("passages", ps);
            System.out.println(Json.write(o));
            return;
        }
        System.out.println("query: " + q);
        for (Hit h : hits) {
            String text = h.passage().text();
            if (text.length() > 100) text = text.substring(0, 100) + "…";
            System.out.printf(Locale.ROOT, "%3d %9.4f  [%s] %s — %s%n", h.rank(), h.score(), h.passage().id(),
                    h.passage().title(), text);
        }
    }

    static List<String> readQueries(Path file, String qaPrompt) throws IOException {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": file not found");
        List<String> out = new ArrayList<>();
        try (BufferedReader br = Files.newBufferedReader(file)) {
            String line;
            long no = 0;
            while ((line = br.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                var n = Json.readLine(file, no, line);
                if (n.hasNonNull("query") && n.get("query").isTextual()) out.add(n.get("query").asText());
                else if (n.hasNonNull("question")
                        && n.get("question").isTextual()) out.add(qaPrompt.replace("{question}",
                        n.get("question").asText()));
                else throw UserError.at(file, no, "query", "missing: each line needs a string 'query' (or 'question')");
            }
        }
        if (out.isEmpty()) throw new UserError(file + ": no queries");
        return out;
    }
}
