package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j generate}: decode from token ids (greedy, beam search or sampling), batched. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate output token ids for input token ids.")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    AdapterTaskOption adapterTask = new AdapterTaskOption();
    @Option(names = "--input-ids", description = "Comma-separated input ids; repeat for a batch")
    List<String> inputIds = new ArrayList<>();
    @Option(names = "--input-file", description = "JSON lines, one {\"input_ids\":[...]} per line")
    Path inputFile;
    @Option(names = "--max-new-tokens", defaultValue = "20", description = "Tokens generated at most, EOS included (default ${DEFAULT-VALUE})")
    int maxNew;
    @Option(names = "--min-new-tokens", defaultValue = "0", description = "EOS forbidden before this many tokens (default ${DEFAULT-VALUE})")
    int minNew;
    @Option(names = "--num-beams", defaultValue = "1", description = "Beam width; 1 = greedy (default ${DEFAULT-VALUE})")
    int beams;
    @Option(names = "--length-penalty", defaultValue = "1.0", description = "Beam length penalty alpha (default ${DEFAULT-VALUE})")
    double lengthPenalty;
    @Option(names = "--length-penalty-form", defaultValue = "HF", description = "HF (score/len^alpha) or T5X (score/((5+len)/6)^alpha)")
    GenerationConfig.LengthPenalty form;
    @Option(names = "--early-stopping", description = "Beam search stops once num-beams hypotheses are finished")
    boolean earlyStopping;
    @Option(names = "--do-sample", description = "Sample instead of greedy")
    boolean sample;
    @Option(names = "--temperature", defaultValue = "1.0")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0")
    double topP;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--batch-size", defaultValue = "32", description = "Inputs decoded together (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--json", description = "One JSON object per input: {\"output_ids\":[...]}")
    boolean json;

    @Override
    public Integer call() {
        List<int[]> inputs = new ArrayList<>();
        for (String s : inputIds) inputs.add(ModelOptions.parseIds("--input-ids", s));
        if (inputFile != null) for (int[][] row : IdsFile.read(inputFile, "input_ids")) inputs.add(row[0]);
        if (inputs.isEmpty()) throw new UserError("give --input-ids or --input-file");
        if (batchSize < 1) throw new UserError("--batch-size must be >= 1");
        GenerationConfig cfg = new GenerationConfig(maxNew, minNew, beams, lengthPenalty, form, earlyStopping, sample, temperature, topK, topP, seed);
        model.apply();
        try (T5ForConditionalGeneration m = model.load(adapterTask.task)) {
            for (int[] in : inputs) ModelOptions.checkRange("input", in, m.config().vocabSize());
            Generator gen = new Generator(m);
            for (int start = 0; start < inputs.size(); start += batchSize) {
                int[][] batch = inputs.subList(start, Math.min(inputs.size(), start + batchSize)).toArray(new int[0][]);
                Generator.Result r = gen.generate(batch, cfg);
                for (int[] seq : r.sequences()) {
                    if (json) System.out.println(Json.write(Map.of("output_ids", seq)));
                    else System.out.println(String.join(" ", Arrays.stream(seq).mapToObj(Integer::toString).toList()));
                }
            }
        }
        return 0;
    }
}
