package dev.t5j.cli;

import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.engine.Profiler;
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
 * {@code t5j generate}: decode from texts (with the tokenizer the model folder carries, or {@code --vocab}) or from
 * token ids (greedy, beam search or sampling), batched. Text in gives one line of text out per input.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate output text for input texts (--text), or output token ids for input token ids.")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();
    @Mixin
    AdapterTaskOption adapterTask = new AdapterTaskOption();
    @Option(names = "--input-ids", description = "Comma-separated input ids; repeat for a batch")
    List<String> inputIds = new ArrayList<>();
    @Option(names = "--text", description = "An input text; repeat for a batch (prints one line of text per input)")
    List<String> texts = new ArrayList<>();
    @Option(names = "--input-file", description = "Input texts: a .txt file (one per line) or JSON lines with "
            + "{\"text\":\"...\"}; or JSON lines with {\"input_ids\":[...]}")
    Path inputFile;
    @Mixin
    VocabOption vocabOption = new VocabOption();
    @Option(names = "--max-new-tokens", defaultValue = "20", description =
            "Tokens generated at most, EOS included (default ${DEFAULT-VALUE})")
    int maxNew;
    @Option(names = "--min-new-tokens", defaultValue = "0", description =
            "EOS forbidden before this many tokens (default ${DEFAULT-VALUE})")
    int minNew;
    @Option(names = "--num-beams", defaultValue = "1", description =
            "Beam width; 1 = greedy (default ${DEFAULT-VALUE})")
    int beams;
    @Option(names = "--length-penalty", defaultValue = "1.0", description =
            "Beam length penalty alpha (default ${DEFAULT-VALUE})")
    double lengthPenalty;
    @Option(names = "--length-penalty-form", defaultValue = "HF", description =
            "HF (score/len^alpha) or T5X (score/((5+len)/6)^alpha)")
    GenerationConfig.LengthPenalty form;
    @Option(names = "--early-stopping", description = "Beam search stops once num-beams hypotheses are finished")
    boolean earlyStopping;
    @Option(names = "--do-sample", description = "Sample instead of greedy")
    boolean sample;
    @Option(names = "--temperature", defaultValue = "1.0",
            description = "Sampling: divide the logits by this before softmax (default ${DEFAULT-VALUE})")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0",
            description = "Sampling: keep only the k most likely tokens; 0 keeps all (default ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0",
            description = "Sampling: keep the smallest set of tokens whose probability reaches p "
                    + "(default ${DEFAULT-VALUE})")
    double topP;
    @Option(names = "--seed", defaultValue = "0",
            description = "Sampling: random seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--batch-size", defaultValue = "32", description =
            "Inputs decoded together (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--json", description = "One JSON object per input: {\"output_ids\":[...]} "
            + "(with texts: {\"output\":\"...\",\"output_ids\":[...]})")
    boolean json;

    /** Wall time inside the decoder, the total a T5J_PROFILE=1 profile's shares refer to. */
    private long decodeNanos;

    @Override
    public Integer call() {
        if (batchSize < 1) throw new UserError("--batch-size must be >= 1");
        List<String> inputTexts = new ArrayList<>(texts);
        boolean fileText = inputFile != null && InputFile.holdsText(inputFile, "text");
        if (fileText) for (String[] row : InputFile.texts(inputFile, "text")) inputTexts.add(row[0]);
        if (!inputTexts.isEmpty()) {
            if (!inputIds.isEmpty() || (inputFile != null && !fileText))
                throw new UserError("give either texts (--text, a text --input-file) or token ids, not both");
            return generateText(inputTexts, config());
        }
        List<int[]> inputs = new ArrayList<>();
        for (String s : inputIds) inputs.add(ModelOptions.parseIds("--input-ids", s));
        if (inputFile != null) for (int[][] row : IdsFile.read(inputFile, "input_ids")) inputs.add(row[0]);
        if (inputs.isEmpty()) throw new UserError("give --text, --input-ids or --input-file");
        GenerationConfig cfg = config();
        model.apply();
        try (T5ForConditionalGeneration m = model.load(adapterTask.task, dtype.resolve())) {
            for (int[] in : inputs) ModelOptions.checkRange("input", in, m.config().vocabSize());
            Generator gen = new Generator(m);
            for (int start = 0; start < inputs.size(); start += batchSize) {
                int[][] batch = inputs.subList(start, Math.min(inputs.size(), start + batchSize)).toArray(new int[0][]);
                long t0 = System.nanoTime();
                Generator.Result r = gen.generate(batch, cfg);
                decodeNanos += System.nanoTime() - t0;
                for (int[] seq : r.sequences()) {
                    if (json) System.out.println(Json.write(Map.of("output_ids", seq)));
                    else System.out.println(String.join(" ", Arrays.stream(seq).mapToObj(Integer::toString).toList()));
                }
            }
        }
        Profiler.print(System.err, "generate, T5J_PROFILE=1", decodeNanos / 1e6);
        return 0;
    }

    private GenerationConfig config() {
        return GenerationConfig.builder(maxNew).minNewTokens(minNew).numBeams(beams)
                .lengthPenalty(lengthPenalty, form).earlyStopping(earlyStopping)
                .doSample(sample).temperature(temperature).topK(topK).topP(topP).seed(seed).build();
    }

    /** Text mode: one line per input, in input order; newlines inside an output are printed as "\\n". */
    private int generateText(List<String> inputs, GenerationConfig cfg) {
        model.apply();
        try (T5j t5 = model.loadText(adapterTask.task, dtype.resolve(), vocabOption.vocab)) {
            int[][] ids = new int[inputs.size()][];
            for (int i = 0; i < ids.length; i++) ids[i] = t5.encode(inputs.get(i));
            for (int start = 0; start < ids.length; start += batchSize) {
                int[][] batch = Arrays.copyOfRange(ids, start, Math.min(ids.length, start + batchSize));
                long t0 = System.nanoTime();
                int[][] out = t5.generateIds(batch, cfg).sequences();
                decodeNanos += System.nanoTime() - t0;
                for (int[] seq : out) {
                    String text = t5.decode(seq);
                    if (json) {
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("output", text);
                        o.put("output_ids", seq);
                        System.out.println(Json.write(o));
                    } else {
                        System.out.println(text.replace("\n", "\\n"));
                    }
                }
            }
        }
        Profiler.print(System.err, "generate, T5J_PROFILE=1", decodeNanos / 1e6);
        return 0;
    }
}
