package dev.t5j.retrieval;

import java.util.Arrays;
import dev.t5j.model.bert.BertCheckpoint;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.model.bert.BertModel;
import dev.t5j.model.bert.Pooling;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.tokenizer.BertEncoding;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Contriever (Atlas {@code src/retrievers.py}): a {@link BertModel} without pooler whose last hidden states are pooled
 * ({@link Pooling}, "average" by default) into one vector per text, with no L2 normalisation; plus the uncased BERT
 * WordPiece vocabulary it was trained with. A Contriever folder is an HF folder: {@code config.json} (with
 * {@code pooling}), {@code model.safetensors}, {@code vocab.txt}.
 *
 * <p>Tensors returned by the embedding methods belong to the caller's {@link PointerScope} and carry gradients when
 * recorded (call under {@code NoGradGuard} for inference).
 */
public final class Contriever implements AutoCloseable {
    /** HF tokenizer padding: to {@code max_length} (Atlas's queries) or to the longest text of the batch (passages). */
    public enum Padding { LONGEST, MAX_LENGTH }

    /** Token ids and 1/0 mask, [B, T] int64 each. */
    public record TokenBatch(Tensor inputIds, Tensor attentionMask) {}

    /** BERT's position limit; Atlas caps every length at {@code min(text_maxlength, 512)}. */
    public static final int MAX_LENGTH_CAP = 512;

    private final BertModel bert;
    private final WordPieceVocabulary vocab;

    /** Takes ownership of {@code bert}. */
    public Contriever(BertModel bert, WordPieceVocabulary vocab) {
        if (vocab.vocabSize() > bert.config().vocabSize())
            throw new UserError("vocab.txt has " + vocab.vocabSize() + " tokens but the BERT config's vocab_size is "
                    + bert.config().vocabSize());
        this.bert = bert;
        this.vocab = vocab;
    }

    /** A randomly initialised Contriever (HF BERT init) with {@code seed}. */
    public static Contriever init(BertConfig config, WordPieceVocabulary vocab, long seed) {
        return new Contriever(BertModel.init(config, seed), vocab);
    }

    /**
     * Loads an HF Contriever/BERT folder: config.json, tensors (safetensors, shards or pytorch_model.bin), vocab.txt.
     */
    public static Contriever load(Path dir) {
        Path v = dir.resolve("vocab.txt");
        if (!Files.isRegularFile(v)) throw new UserError(dir
                + ": no vocab.txt (a retriever folder needs the BERT WordPiece vocabulary)");
        WordPieceVocabulary vocab = WordPieceVocabulary.load(v);
        BertModel bert = BertCheckpoint.load(dir);
        try {
            return new Contriever(bert, vocab);
        } catch (UserError e) {
            bert.close();
            throw new UserError(dir + ": " + e.getMessage());
        }
    }

    /** Writes config.json, model.safetensors and vocab.txt into {@code dir} (each file atomically). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("vocab.txt"), vocabText());
        BertCheckpoint.save(bert, dir);
    }

    private String vocabText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < vocab.vocabSize(); i++) sb.append(vocab.idToToken(i)).append('\n');
        return sb.toString();
    }

    public BertModel bert() {
        return bert;
    }

    public BertConfig config() {
        return bert.config();
    }

    public WordPieceVocabulary vocab() {
        return vocab;
    }

    public Pooling pooling() {
        return bert.config().pooling();
    }

    /** Vector size (hidden size). */
    public int dim() {
        return bert.config().hiddenSize();
    }

    public Map<String, Tensor> parameters() {
        return bert.parameters();
    }

    public void train(boolean on) {
        bert.train(on);
    }

    public boolean isTraining() {
        return bert.isTraining();
    }

    /** A true copy (independent parameters, same vocabulary). */
    public Contriever copy() {
        return new Contriever(bert.copy(), vocab);
    }

    /** {@code min(textMaxLength, 512, max_position_embeddings)}, Atlas's cap. */
    public int effectiveMaxLength(int textMaxLength) {
        return Math.min(Math.min(textMaxLength, MAX_LENGTH_CAP), bert.config().maxPositionEmbeddings());
    }

    /**
     * Pooled embeddings [B, d] of token ids [B, T] with mask [B, T] (token types null = all zeros). Gradients flow
     * when recorded; dropout follows {@link #train(boolean)}.
     */
    public Tensor embed(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor hidden = bert.forward(inputIds, attentionMask, tokenTypeIds);
        return pooling().pool(hidden, attentionMask);
    }

    /** Unpadded WordPiece encodings {@code [CLS] text [SEP]}, truncated to the effective max length. */
    public List<BertEncoding> encode(List<String> texts, int textMaxLength) {
        int max = effectiveMaxLength(textMaxLength);
        List<BertEncoding> out = new ArrayList<>(texts.size());
        for (String t : texts) out.add(vocab.encodeForModel(t, null, max, false));
        return out;
    }

    /**
     * [B, T] int64 ids and 1/0 mask of encodings, right-padded with [PAD] to the longest of the batch
     * ({@link Padding#LONGEST}) or to the effective max length ({@link Padding#MAX_LENGTH}).
     */
    public TokenBatch tensors(List<BertEncoding> enc, int textMaxLength, Padding padding) {
        if (enc.isEmpty()) throw new IllegalArgumentException("empty batch");
        int b = enc.size(), t = 0;
        for (BertEncoding e : enc) t = Math.max(t, e.length());
        if (padding == Padding.MAX_LENGTH) t = Math.max(t, effectiveMaxLength(textMaxLength));
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        Arrays.fill(ids, vocab.padId());
        for (int i = 0; i < b; i++) {
            BertEncoding e = enc.get(i);
            for (int j = 0; j < e.length(); j++) {
                ids[i * t + j] = e.inputIds()[j];
                mask[i * t + j] = e.attentionMask()[j];
            }
        }
        return new TokenBatch(Tensors.longs(ids, b, t), Tensors.longs(mask, b, t));
    }

    /**
     * Tokenizes and pads (as {@link #tensors}), then {@link #embed(Tensor, Tensor, Tensor)}: [B, d] in the caller's
     * scope.
     */
    public Tensor embed(List<String> texts, int textMaxLength, Padding padding) {
        TokenBatch tb = tensors(encode(texts, textMaxLength), textMaxLength, padding);
        return embed(tb.inputIds(), tb.attentionMask(), null);
    }

    /**
     * SHA-256 (hex) over everything that determines the vectors: the architecture (dropout excluded), pooling, the
     * effective max length, the vocabulary and every parameter's name, shape and fp32 bytes. Reads all weights (about
     * a second for BERT-base): call it when the weights may have changed, not per batch.
     */
    public String fingerprint(int textMaxLength) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update("t5j-contriever-v1\n".getBytes(StandardCharsets.UTF_8));
        md.update(bert.config().withDropout(0, 0).toJson().toString().getBytes(StandardCharsets.UTF_8));
        md.update(("\npooling=" + pooling().configName() + "\nmax_length=" + effectiveMaxLength(textMaxLength)
                + "\n").getBytes(StandardCharsets.UTF_8));
        md.update(vocabText().getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Tensor> e : bert.parameters().entrySet()) {
            md.update((e.getKey() + Arrays.toString(Tensors.shape(e.getValue()))
                    + "\n").getBytes(StandardCharsets.UTF_8));
            float[] v;
            try (PointerScope s = new PointerScope()) {
                v = Tensors.toFloats(e.getValue());
            }
            ByteBuffer bb = ByteBuffer.allocate(Math.min(v.length, 1 << 20) * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off < v.length; off += 1 << 20) {
                int n = Math.min(1 << 20, v.length - off);
                bb.clear();
                bb.asFloatBuffer().put(v, off, n);
                md.update(bb.array(), 0, n * 4);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public void close() {
        bert.close();
    }
}
