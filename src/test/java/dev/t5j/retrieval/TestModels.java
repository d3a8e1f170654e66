package dev.t5j.retrieval;

import dev.t5j.model.bert.BertConfig;
import dev.t5j.model.bert.BertModel;
import dev.t5j.model.bert.Pooling;
import dev.t5j.engine.Tensors;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Small configs, the real BERT vocabulary and weight perturbation shared by the retrieval tests. */
public final class TestModels {
    private static WordPieceVocabulary vocab;

    private TestModels() {}

    /** The bert-base-uncased vocab.txt (tokenizer test resource, see its SOURCE.md). */
    public static synchronized WordPieceVocabulary bertVocab() {
        if (vocab == null) vocab = WordPieceVocabulary.load(bertVocabPath());
        return vocab;
    }

    public static Path bertVocabPath() {
        try {
            return Path.of(TestModels.class.getResource("/tokenizer/bert/vocab.txt").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource tokenizer/bert/vocab.txt", e);
        }
    }

    /**
     * A tiny BERT with a large init range (so attention is far from uniform) and dropout on (tests switch it off via
     * eval).
     */
    public static BertConfig small(int vocabSize, String act) {
        return new BertConfig(vocabSize, 32, 2, 4, 48, act, 64, 2, 1e-12, 0.1, 0.1, 0.4, 0, Pooling.AVERAGE);
    }

    /** Adds N(0, std²) noise to every parameter (LayerNorm gains and biases too, which init leaves at 1 and 0). */
    public static void perturb(BertModel m, double std) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            for (Tensor p : m.parameters().values()) p.add_(torch.randn_like(p).mul(Tensors.scalar(std)));
        }
    }
}
