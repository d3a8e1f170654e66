package dev.t5j.tokenizer;

import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code t5j vocab train}: trains a Unigram or BPE SentencePiece model and writes {@code spiece.model} (the ModelProto
 * the sentencepiece library loads, with trainer and normalizer specs) and {@code spiece.vocab} (piece TAB score).
 * Ids follow T5: {@code <pad>}=0, {@code </s>}=1, {@code <unk>}=2, no {@code <s>}; then user-defined symbols, byte
 * pieces when byte fallback is on, then the learned pieces by score.
 */
public final class VocabTrainer {
    private VocabTrainer() {}

    public static SentencePieceModel train(TrainerConfig cfg) {
        byte[] charsmap = cfg.normalization().equals("nmt_nfkc") ? nmtNfkc() : new byte[0];
        var ns = new SentencePieceModel.NormalizerSpec(cfg.normalization(), charsmap, true, true, true);
        Normalizer normalizer = new Normalizer(charsmap.length > 0 ? CharsMap.parse(charsmap) : null, null, true, true,
                true, false);
        TrainingCorpus corpus = TrainingCorpus.read(cfg, normalizer);
        int meta = 3 + cfg.userDefinedSymbols().size() + (cfg.byteFallback() ? 256 : 0);
        int target = cfg.vocabSize() - meta;
        if (target < corpus.requiredChars.length)
            throw new UserError(String.format(Locale.ROOT,
                    "--vocab-size %d is too small: the corpus needs %d characters plus %d reserved pieces (use at " +
                    "least %d, or lower --character-coverage)",
                    cfg.vocabSize(), corpus.requiredChars.length, meta, corpus.requiredChars.length + meta));
        List<Map.Entry<String, Float>> learned = cfg.modelType() == SentencePieceModel.UNIGRAM
                ? new UnigramTrainer(cfg, corpus, target).train()
                : new BpeTrainer(cfg, corpus, target).train();
        if (learned.size() < target)
            throw new UserError(String.format(Locale.ROOT,
                    "--vocab-size %d is too large for this corpus: only %d pieces could be learned (use at most %d)",
                    cfg.vocabSize(), learned.size(), learned.size() + meta));
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Byte> types = new ArrayList<>();
        pieces.add("<pad>"); scores.add(0f); types.add(SentencePieceModel.CONTROL);
        pieces.add("</s>"); scores.add(0f); types.add(SentencePieceModel.CONTROL);
        pieces.add("<unk>"); scores.add(0f); types.add(SentencePieceModel.UNKNOWN);
        Set<String> reserved = new HashSet<>(pieces);
        for (String u : cfg.userDefinedSymbols()) {
            if (!reserved.add(u)) throw new UserError("user-defined symbol '" + u
                    + "' is given twice or clashes with a reserved piece");
            pieces.add(u); scores.add(0f); types.add(SentencePieceModel.USER_DEFINED);
        }
        if (cfg.byteFallback()) for (int b = 0; b < 256; b++) {
            String p = String.format(Locale.ROOT, "<0x%02X>", b);
            reserved.add(p);
            pieces.add(p); scores.add(0f); types.add(SentencePieceModel.BYTE);
        }
        for (var e : learned) {
            if (reserved.contains(e.getKey())) continue;
            pieces.add(e.getKey()); scores.add(e.getValue()); types.add(SentencePieceModel.NORMAL);
        }
        float[] sc = new float[scores.size()];
        byte[] ty = new byte[types.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = scores.get(i);
            ty[i] = types.get(i);
        }
        List<String> inputs = new ArrayList<>();
        for (Path p : cfg.inputs()) inputs.add(p.toString());
        var ts = SentencePieceModel.TrainerSpec.defaults().withModel(cfg.modelType(), pieces.size()).withIds(2, -1, 1,
                0)
                .withTraining(inputs, "spiece", cfg.characterCoverage(), cfg.maxSentences(),
                        cfg.maxSentencepieceLength(),
                        cfg.byteFallback(), cfg.userDefinedSymbols(), true);
        return new SentencePieceModel(pieces.toArray(new String[0]), sc, ty, ts, ns);
    }

    /** Writes {@code dir/spiece.model} and {@code dir/spiece.vocab}; returns the model path. */
    public static Path write(SentencePieceModel model, Path dir) throws IOException {
        Path modelFile = dir.resolve("spiece.model");
        AtomicFiles.writeBytes(modelFile, model.toBytes());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < model.size(); i++) {
            float s = model.scores()[i];
            sb.append(model.pieces()[i]).append('\t').append(s == (int) s ? Integer.toString((int) s)
                    : Float.toString(s)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve("spiece.vocab"), sb.toString());
        return modelFile;
    }

    /** The nmt_nfkc precompiled charsmap (the one stored in T5's spiece.model), bundled as a resource. */
    static byte[] nmtNfkc() {
        try (InputStream in = VocabTrainer.class.getResourceAsStream("nmt_nfkc.charsmap")) {
            if (in == null) throw new IllegalStateException("missing resource nmt_nfkc.charsmap");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
