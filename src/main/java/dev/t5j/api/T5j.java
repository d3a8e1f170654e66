package dev.t5j.api;

import dev.t5j.common.UserError;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.decoding.Scorer;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.ComputeDtype;
import org.bytedeco.pytorch.global.torch.ScalarType;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.tokenizer.Vocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A T5 model with its tokenizer, text in and text out. Inputs are encoded with the vocabulary and EOS appended (as
 * seqio's {@code add_eos} and HF's tokenizer do); outputs are decoded up to the first EOS. Calls are serialised on
 * the instance (one native model), so an instance may be shared between threads.
 *
 * <pre>{@code
 * try (T5j t5 = T5j.load(Path.of("runs/quickstart/model"))) {
 *     String answer = t5.generate("reverse t1 t2 t3");
 * }
 * }</pre>
 */
public final class T5j implements AutoCloseable {
    /** {@code t5j generate}'s default and HF's {@code max_length} default. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 20;
    /** Inputs encoded and decoded together by {@link #generate(List, GenerationConfig)}. */
    public static final int BATCH_SIZE = 32;

    private final Path dir;
    private final T5ForConditionalGeneration model;
    private final Vocabulary vocab;
    private final boolean owner;

    private T5j(Path dir, T5ForConditionalGeneration model, Vocabulary vocab, boolean owner) {
        this.owner = owner;
        this.dir = dir;
        this.model = model;
        this.vocab = vocab;
        if (vocab.vocabSize() > model.config().vocabSize())
            throw new UserError(dir + ": the tokenizer has " + vocab.vocabSize() + " ids but the model only "
                    + model.config().vocabSize());
        model.train(false);
    }

    /** Loads the model folder {@code dir} with the tokenizer it carries. */
    public static T5j load(Path dir) {
        return load(dir, null);
    }

    /** Loads {@code dir}; {@code vocab} (a vocabulary file, or "byte") overrides the folder's tokenizer when given. */
    public static T5j load(Path dir, String vocab) {
        return load(dir, vocab, ComputeDtype.FP32);
    }

    /**
     * As {@link #load(Path, String)}; {@code dtype} bf16 holds the weights in bf16 (inference only: matrix products
     * run on the CPU's bf16 units, softmax and log-probabilities stay fp32). Resolve it for this CPU first
     * ({@link ComputeDtype#resolve}).
     */
    public static T5j load(Path dir, String vocab, ComputeDtype dtype) {
        Torch.init();
        Vocabulary v = ModelVocabulary.resolve(dir, vocab);
        T5ForConditionalGeneration m = Checkpoint.load(dir, dtype == ComputeDtype.BF16 ? ScalarType.BFloat16 : null);
        try {
            return new T5j(dir, m, v, true);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * A text API over {@code model} (loaded, with hooks such as an adapter installed, by the caller) that owns it:
     * closing this closes the model. {@code vocab} must fit the model's vocabulary.
     */
    public static T5j of(Path dir, T5ForConditionalGeneration model, Vocabulary vocab) {
        return new T5j(dir, model, vocab, true);
    }

    /**
     * A text view of a model owned elsewhere (e.g. an Atlas reader): closing the view closes nothing, the owner
     * closes the model.
     */
    public static T5j view(Path dir, T5ForConditionalGeneration model, Vocabulary vocab) {
        return new T5j(dir, model, vocab, false);
    }

    public Path dir() {
        return dir;
    }

    public T5ForConditionalGeneration model() {
        return model;
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /** Encoder (or target) ids of {@code text}: the vocabulary's pieces plus EOS. */
    public int[] encode(String text) {
        if (text == null || text.isEmpty()) throw new UserError("an input text is empty");
        int[] ids = vocab.encode(text);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = vocab.eosId();
        return out;
    }

    /** Text of generated ids, up to the first EOS. */
    public String decode(int[] ids) {
        return vocab.decode(ids);
    }

    /** Greedy answer of at most {@link #DEFAULT_MAX_NEW_TOKENS} tokens. */
    public String generate(String input) {
        return generate(List.of(input), GenerationConfig.greedy(DEFAULT_MAX_NEW_TOKENS)).get(0);
    }

    /** One output text per input, decoded as {@code cfg} says (greedy, beam search or sampling). */
    public List<String> generate(List<String> inputs, GenerationConfig cfg) {
        List<String> out = new ArrayList<>();
        for (int[] seq : generateIds(encodeAll(inputs), cfg).sequences()) out.add(decode(seq));
        return out;
    }

    /** Id-level generation in batches of {@link #BATCH_SIZE}, as {@code t5j generate}. */
    public synchronized Generator.Result generateIds(int[][] inputs, GenerationConfig cfg) {
        Generator gen = new Generator(model);
        int[][] seqs = new int[inputs.length][];
        double[] scores = new double[inputs.length];
        for (int start = 0; start < inputs.length; start += BATCH_SIZE) {
            int end = Math.min(inputs.length, start + BATCH_SIZE);
            Generator.Result r = gen.generate(Arrays.copyOfRange(inputs, start, end), cfg);
            System.arraycopy(r.sequences(), 0, seqs, start, end - start);
            System.arraycopy(r.scores(), 0, scores, start, end - start);
        }
        return new Generator.Result(seqs, scores);
    }

    /**
     * Log-likelihood of each choice (EOS included) as the answer to {@code input}: rank classification picks the
     * largest.
     */
    public double[] score(String input, List<String> choices) {
        if (choices.isEmpty()) throw new UserError("no choices to score");
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) inputs.add(input);
        Scorer.Score[] s = scoreTexts(inputs, choices);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i].sum();
        return out;
    }

    /** Teacher-forced scores of {@code targets[i]} given {@code inputs[i]} (per-token log-probabilities and sum). */
    public synchronized Scorer.Score[] scoreTexts(List<String> inputs, List<String> targets) {
        if (inputs.size() != targets.size())
            throw new UserError("got " + inputs.size() + " inputs but " + targets.size() + " targets");
        return new Scorer(model).score(encodeAll(inputs), encodeAll(targets), false);
    }

    /** One vector per text: the encoder's final hidden states averaged over the text's tokens (EOS included). */
    public synchronized float[][] embed(List<String> texts) {
        int[][] ids = encodeAll(texts);
        int d = model.config().dModel();
        float[][] out = new float[ids.length][];
        for (int start = 0; start < ids.length; start += BATCH_SIZE) {
            int end = Math.min(ids.length, start + BATCH_SIZE);
            int[][] batch = Arrays.copyOfRange(ids, start, end);
            try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                Tensor mask = Tensors.lengthMask(batch);
                Tensor enc = model.encode(Tensors.longs(batch, model.config().padTokenId()), mask); // [B, S, d]
                Tensor m = mask.to(enc.scalar_type()).unsqueeze(2);
                Tensor mean = enc.mul(m).sum(1).div(m.sum(1)); // [B, d]
                float[] flat = Tensors.toFloats(mean);
                for (int i = 0; i < batch.length; i++) out[start + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
        }
        return out;
    }

    private int[][] encodeAll(List<String> texts) {
        if (texts.isEmpty()) throw new UserError("no inputs");
        int[][] ids = new int[texts.size()][];
        for (int i = 0; i < ids.length; i++) ids[i] = encode(texts.get(i));
        return ids;
    }

    @Override
    public synchronized void close() {
        if (owner) model.close();
    }
}
