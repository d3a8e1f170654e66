package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.Scorer;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j score}: teacher-forced log-probabilities (and optionally logits) of target ids given input ids. */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score target ids given input ids (per-token log-probs, sum, logits).")
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    AdapterTaskOption adapterTask = new AdapterTaskOption();
    @Option(names = "--input-ids", description = "Comma-separated input ids")
    String inputIds;
    @Option(names = "--target-ids", description = "Comma-separated target ids (include EOS if it should be scored)")
    String targetIds;
    @Option(names = "--input-file", description = "JSON lines with {\"input_ids\":[...],\"target_ids\":[...]}")
    Path inputFile;
    @Option(names = "--logits", description = "Also print the full decoder logits [target_len][vocab]")
    boolean logits;
    @Option(names = "--json", description = "JSON output (one object per example)")
    boolean json;

    @Override
    public Integer call() {
        List<int[]> in = new ArrayList<>();
        List<int[]> tg = new ArrayList<>();
        if (inputIds != null || targetIds != null) {
            if (inputIds == null || targetIds == null) throw new UserError("--input-ids and --target-ids go together");
            in.add(ModelOptions.parseIds("--input-ids", inputIds));
            tg.add(ModelOptions.parseIds("--target-ids", targetIds));
        }
        if (inputFile != null) for (int[][] row : IdsFile.read(inputFile, "input_ids", "target_ids")) {
            in.add(row[0]);
            tg.add(row[1]);
        }
        if (in.isEmpty()) throw new UserError("give --input-ids with --target-ids, or --input-file");
        model.apply();
        try (T5ForConditionalGeneration m = model.load(adapterTask.task)) {
            for (int i = 0; i < in.size(); i++) {
                ModelOptions.checkRange("input", in.get(i), m.config().vocabSize());
                ModelOptions.checkRange("target", tg.get(i), m.config().vocabSize());
            }
            Scorer.Score[] scores = new Scorer(m).score(in.toArray(new int[0][]), tg.toArray(new int[0][]), logits);
            for (Scorer.Score s : scores) {
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("token_logprobs", s.tokenLogProbs());
                    o.put("sum", s.sum());
                    if (logits) o.put("logits", s.logits());
                    System.out.println(Json.write(o));
                } else {
                    System.out.println("sum " + s.sum() + " token_logprobs " + java.util.Arrays.toString(s.tokenLogProbs()));
                }
            }
        }
        return 0;
    }
}
