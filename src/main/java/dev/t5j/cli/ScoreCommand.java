package dev.t5j.cli;

import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.Scorer;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code t5j score}: teacher-forced log-probabilities (and optionally logits) of a target given an input, as texts
 * (the model folder's tokenizer, EOS appended to both) or as token ids.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a target given an input, as texts or token ids (per-token log-probs, sum, logits).")
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();
    @Mixin
    AdapterTaskOption adapterTask = new AdapterTaskOption();
    @Option(names = "--input-ids", description = "Comma-separated input ids")
    String inputIds;
    @Option(names = "--target-ids", description = "Comma-separated target ids (include EOS if it should be scored)")
    String targetIds;
    @Option(names = "--text", description = "Input text (with --target-text)")
    String text;
    @Option(names = "--target-text", description = "Target text; EOS is appended and scored")
    String targetText;
    @Option(names = "--input-file", description = "JSON lines with {\"input_ids\":[...],\"target_ids\":[...]} or "
            + "{\"text\":\"...\",\"target_text\":\"...\"}")
    Path inputFile;
    @Mixin
    VocabOption vocabOption = new VocabOption();
    @Option(names = "--logits", description = "Also print the full decoder logits [target_len][vocab]")
    boolean logits;
    @Option(names = "--json", description = "JSON output (one object per example)")
    boolean json;

    @Override
    public Integer call() {
        List<String> inText = new ArrayList<>();
        List<String> tgText = new ArrayList<>();
        if (text != null || targetText != null) {
            if (text == null || targetText == null) throw new UserError("--text and --target-text go together");
            inText.add(text);
            tgText.add(targetText);
        }
        boolean fileText = inputFile != null && InputFile.holdsText(inputFile, "text");
        if (fileText) for (String[] row : InputFile.texts(inputFile, "text", "target_text")) {
            inText.add(row[0]);
            tgText.add(row[1]);
        }
        if (!inText.isEmpty()) {
            if (inputIds != null || targetIds != null || (inputFile != null && !fileText))
                throw new UserError("give either texts (--text, a text --input-file) or token ids, not both");
            if (logits) throw new UserError("--logits works with token ids only");
            model.apply();
            try (T5j t5 = model.loadText(adapterTask.task, dtype.resolve(), vocabOption.vocab)) {
                print(t5.scoreTexts(inText, tgText));
            }
            return 0;
        }
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
        if (in.isEmpty())
            throw new UserError("give --text with --target-text, --input-ids with --target-ids, or --input-file");
        model.apply();
        try (T5ForConditionalGeneration m = model.load(adapterTask.task, dtype.resolve())) {
            for (int i = 0; i < in.size(); i++) {
                ModelOptions.checkRange("input", in.get(i), m.config().vocabSize());
                ModelOptions.checkRange("target", tg.get(i), m.config().vocabSize());
            }
            print(new Scorer(m).score(in.toArray(new int[0][]), tg.toArray(new int[0][]), logits));
        }
        return 0;
    }

    private void print(Scorer.Score[] scores) {
        for (Scorer.Score s : scores) {
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("token_logprobs", s.tokenLogProbs());
                o.put("sum", s.sum());
                if (logits) o.put("logits", s.logits());
                System.out.println(Json.write(o));
            } else {
                System.out.println("sum " + s.sum() + " token_logprobs " + Arrays.toString(s.tokenLogProbs()));
            }
        }
    }
}
