package dev.t5j.api;

import dev.t5j.decoding.GenerationConfig;

import java.nio.file.Path;
import java.util.List;

/** The Java example of docs/serve.md, verbatim; ApiExampleTest compiles and runs it. */
public class ApiExample {
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "runs/quickstart/model");
        try (T5j t5 = T5j.load(dir)) { // weights, config.json and the tokenizer beside them
            System.out.println(t5.generate("reverse <extra_id_0> t1 t2 t3")); // greedy, 20 tokens at most
            List<String> beams = t5.generate(List.of("copy <extra_id_0> t4 t5", "sort <extra_id_0> t9 t2"),
                    GenerationConfig.beam(32, 4)); // beam search, 4 beams
            System.out.println(beams);
            double[] ll = t5.score("first_char <extra_id_0> t7 t8", List.of("t7", "t8")); // log-likelihoods
            System.out.println(ll[0] > ll[1] ? "t7" : "t8"); // rank classification
            float[][] vectors = t5.embed(List.of("t1 t2", "t3")); // mean-pooled encoder states
            System.out.println(vectors.length + " x " + vectors[0].length);
        }
    }
}
