package dev.t5j.tokenizer;

import java.util.Arrays;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of a SentencePiece {@code .model} file (the {@code ModelProto} message of
 * {@code sentencepiece_model.proto}), read and written with t5j's own wire-format code. Only the fields that change
 * encoding or that the real library needs to load a model are kept; unknown fields are skipped on read.
 */
public record SentencePieceModel(String[] pieces, float[] scores, byte[] types, TrainerSpec trainerSpec,
                                 NormalizerSpec normalizerSpec) {
    // ModelProto.SentencePiece.Type
    public static final byte NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;
    // TrainerSpec.ModelType
    public static final int UNIGRAM = 1, BPE = 2, WORD = 3, CHAR = 4;

    /** TrainerSpec fields t5j reads or writes (field numbers of sentencepiece_model.proto in comments). */
    public record TrainerSpec(List<String> input, String modelPrefix, int modelType, int vocabSize,
                              float characterCoverage, long inputSentenceSize, int seedSentencepieceSize,
                              float shrinkingFactor, int numThreads, int numSubIterations, int maxSentenceLength,
                              int maxSentencepieceLength, boolean splitByUnicodeScript, boolean splitByWhitespace,
                              boolean splitByNumber, boolean treatWhitespaceAsSuffix, boolean splitDigits,
                              boolean allowWhitespaceOnlyPieces, List<String> controlSymbols,
                              List<String> userDefinedSymbols, boolean hardVocabLimit, boolean byteFallback,
                              int unkId, int bosId, int eosId, int padId, String unkPiece, String bosPiece,
                              String eosPiece, String padPiece, String unkSurface) {
        /** The proto2 defaults of sentencepiece_model.proto. */
        public static TrainerSpec defaults() {
            return new TrainerSpec(List.of(), "", UNIGRAM, 8000, 0.9995f, 0, 1_000_000, 0.75f, 16, 2, 4192, 16, true,
                    true, true, false, false, false, List.of(), List.of(), true, false, 0, 1, 2, -1, "<unk>", "<s>",
                    "</s>", "<pad>", " \u2047 ");
        }

        public TrainerSpec withModel(int modelType, int vocabSize) {
            return new TrainerSpec(input, modelPrefix, modelType, vocabSize, characterCoverage, inputSentenceSize,
                    seedSentencepieceSize, shrinkingFactor, numThreads, numSubIterations, maxSentenceLength,
                    maxSentencepieceLength, splitByUnicodeScript, splitByWhitespace, splitByNumber,
                    treatWhitespaceAsSuffix, splitDigits, allowWhitespaceOnlyPieces, controlSymbols,
                    userDefinedSymbols, hardVocabLimit, byteFallback, unkId, bosId, eosId, padId, unkPiece, bosPiece,
                    eosPiece, padPiece, unkSurface);
        }

        public TrainerSpec withIds(int unkId, int bosId, int eosId, int padId) {
            return new TrainerSpec(input, modelPrefix, modelType, vocabSize, characterCoverage, inputSentenceSize,
                    seedSentencepieceSize, shrinkingFactor, numThreads, numSubIterations, maxSentenceLength,
                    maxSentencepieceLength, splitByUnicodeScript, splitByWhitespace, splitByNumber,
                    treatWhitespaceAsSuffix, splitDigits, allowWhitespaceOnlyPieces, controlSymbols,
                    userDefinedSymbols, hardVocabLimit, byteFallback, unkId, bosId, eosId, padId, unkPiece, bosPiece,
                    eosPiece, padPiece, unkSurface);
        }

        public TrainerSpec withTraining(List<String> input, String modelPrefix, float characterCoverage,
                                        long inputSentenceSize, int maxSentencepieceLength, boolean byteFallback,
                                        List<String> userDefinedSymbols, boolean hardVocabLimit) {
            return new TrainerSpec(input, modelPrefix, modelType, vocabSize, characterCoverage, inputSentenceSize,
                    seedSentencepieceSize, shrinkingFactor, numThreads, numSubIterations, maxSentenceLength,
                    maxSentencepieceLength, splitByUnicodeScript, splitByWhitespace, splitByNumber,
                    treatWhitespaceAsSuffix, splitDigits, allowWhitespaceOnlyPieces, controlSymbols,
                    userDefinedSymbols, hardVocabLimit, byteFallback, unkId, bosId, eosId, padId, unkPiece, bosPiece,
                    eosPiece, padPiece, unkSurface);
        }
    }

    /** NormalizerSpec: name, precompiled_charsmap (may be empty), and the three whitespace switches. */
    public record NormalizerSpec(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                                 boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
        public static NormalizerSpec identity() {
            return new NormalizerSpec("identity", new byte[0], true, true, true);
        }

        public NormalizerSpec withAddDummyPrefix(boolean v) {
            return new NormalizerSpec(name, precompiledCharsmap, v, removeExtraWhitespaces, escapeWhitespaces);
        }
    }

    public int size() {
        return pieces.length;
    }

    // ---------------------------------------------------------------- reading

    /** Reads a {@code .model} file; any problem is a {@link UserError} naming the file and byte offset. */
    public static SentencePieceModel load(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(data, file.toString());
    }

    public static SentencePieceModel parse(byte[] data, String source) {
        try {
            return parse(data);
        } catch (ProtoReader.Malformed e) {
            throw new UserError(source + " (byte " + e.offset + "): not a valid SentencePiece model: "
                    + e.getMessage());
        }
    }

    private static SentencePieceModel parse(byte[] data) {
        if (data.length == 0) throw new ProtoReader.Malformed(0, "empty file");
        List<String> pieces = new ArrayList<>();
        float[] scores = new float[1024];
        byte[] types = new byte[1024];
        TrainerSpec trainer = TrainerSpec.defaults();
        NormalizerSpec normalizer = null;
        boolean sawTrainer = false;
        ProtoReader r = new ProtoReader(data);
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> {
                    r.expect(tag, ProtoReader.LEN, "pieces");
                    int at = r.tagStart();
                    ProtoReader p = r.readMessage();
                    String piece = null;
                    float score = 0;
                    int type = NORMAL;
                    while (p.hasMore()) {
                        int t = p.readTag();
                        switch (t >>> 3) {
                            case 1 -> { p.expect(t, ProtoReader.LEN, "pieces.piece"); piece = p.readString(); }
                            case 2 -> { p.expect(t, ProtoReader.FIXED32, "pieces.score"); score = p.readFloat(); }
                            case 3 -> { p.expect(t, ProtoReader.VARINT, "pieces.type"); type = (int) p.readVarint(); }
                            default -> p.skip(t & 7);
                        }
                    }
                    if (piece == null || piece.isEmpty())
                        throw new ProtoReader.Malformed(at, "piece " + pieces.size() + " is empty");
                    if (type < NORMAL || type > BYTE)
                        throw new ProtoReader.Malformed(at, "piece " + pieces.size() + " has unknown type " + type);
                    int i = pieces.size();
                    if (i == scores.length) {
                        scores = Arrays.copyOf(scores, i * 2);
                        types = Arrays.copyOf(types, i * 2);
                    }
                    pieces.add(piece);
                    scores[i] = score;
                    types[i] = (byte) type;
                }
                case 2 -> {
                    r.expect(tag, ProtoReader.LEN, "trainer_spec");
                    sawTrainer = true;
                    trainer = readTrainer(r.readMessage());
                }
                case 3 -> {
                    r.expect(tag, ProtoReader.LEN, "normalizer_spec");
                    normalizer = readNormalizer(r.readMessage());
                }
                default -> r.skip(tag & 7);
            }
        }
        if (pieces.isEmpty()) throw new ProtoReader.Malformed(data.length, "no pieces");
        // sentencepiece always writes trainer_spec after the pieces: without it the file was cut short
        if (!sawTrainer) throw new ProtoReader.Malformed(data.length, "no trainer_spec (file truncated?)");
        if (normalizer == null) normalizer = new NormalizerSpec("", new byte[0], true, true, true);
        int n = pieces.size();
        return new SentencePieceModel(pieces.toArray(new String[0]), Arrays.copyOf(scores, n),
                Arrays.copyOf(types, n), trainer, normalizer);
    }

    private static TrainerSpec readTrainer(ProtoReader r) {
        TrainerSpec d = TrainerSpec.defaults();
        List<String> input = new ArrayList<>(), control = new ArrayList<>(), user = new ArrayList<>();
        String modelPrefix = d.modelPrefix(), unkPiece = d.unkPiece(), bosPiece = d.bosPiece(), eosPiece = d.eosPiece(),
                padPiece = d.padPiece(), unkSurface = d.unkSurface();
        int modelType = d.modelType(), vocabSize = d.vocabSize(), seed = d.seedSentencepieceSize(),
                threads = d.numThreads(), subIter = d.numSubIterations(), maxSentLen = d.maxSentenceLength(),
                maxPieceLen = d.maxSentencepieceLength(), unk = d.unkId(), bos = d.bosId(), eos = d.eosId(), pad =
                        d.padId();
        float coverage = d.characterCoverage(), shrink = d.shrinkingFactor();
        long inputSentenceSize = d.inputSentenceSize();
        boolean script = d.splitByUnicodeScript(), ws = d.splitByWhitespace(), number = d.splitByNumber(),
                suffix = d.treatWhitespaceAsSuffix(), digits = d.splitDigits(), wsOnly = d.allowWhitespaceOnlyPieces(),
                hard = d.hardVocabLimit(), byteFallback = d.byteFallback();
        while (r.hasMore()) {
            int tag = r.readTag();
            int f = tag >>> 3, w = tag & 7;
            // Each known field is checked for its wire type so a corrupt file cannot be misread as a valid one.
            switch (f) {
                case 1 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.input"); input.add(r.readString()); }
                case 2 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.model_prefix"); modelPrefix = r.readString(); }
                case 3 -> modelType = (int) varint(r, tag, "trainer_spec.model_type");
                case 4 -> vocabSize = (int) varint(r, tag, "trainer_spec.vocab_size");
                case 10 -> { r.expect(tag, ProtoReader.FIXED32, "trainer_spec.character_coverage"); coverage =
                        r.readFloat(); }
                case 11 -> inputSentenceSize = varint(r, tag, "trainer_spec.input_sentence_size");
                case 14 -> seed = (int) varint(r, tag, "trainer_spec.seed_sentencepiece_size");
                case 15 -> { r.expect(tag, ProtoReader.FIXED32, "trainer_spec.shrinking_factor"); shrink =
                        r.readFloat(); }
                case 16 -> threads = (int) varint(r, tag, "trainer_spec.num_threads");
                case 17 -> subIter = (int) varint(r, tag, "trainer_spec.num_sub_iterations");
                case 18 -> maxSentLen = (int) varint(r, tag, "trainer_spec.max_sentence_length");
                case 20 -> maxPieceLen = (int) varint(r, tag, "trainer_spec.max_sentencepiece_length");
                case 21 -> script = varint(r, tag, "trainer_spec.split_by_unicode_script") != 0;
                case 22 -> ws = varint(r, tag, "trainer_spec.split_by_whitespace") != 0;
                case 23 -> number = varint(r, tag, "trainer_spec.split_by_number") != 0;
                case 24 -> suffix = varint(r, tag, "trainer_spec.treat_whitespace_as_suffix") != 0;
                case 25 -> digits = varint(r, tag, "trainer_spec.split_digits") != 0;
                case 26 -> wsOnly = varint(r, tag, "trainer_spec.allow_whitespace_only_pieces") != 0;
                case 30 -> { r.expect(tag, ProtoReader.LEN,
                        "trainer_spec.control_symbols"); control.add(r.readString()); }
                case 31 -> { r.expect(tag, ProtoReader.LEN,
                        "trainer_spec.user_defined_symbols"); user.add(r.readString()); }
                case 33 -> hard = varint(r, tag, "trainer_spec.hard_vocab_limit") != 0;
                case 35 -> byteFallback = varint(r, tag, "trainer_spec.byte_fallback") != 0;
                case 40 -> unk = (int) varint(r, tag, "trainer_spec.unk_id");
                case 41 -> bos = (int) varint(r, tag, "trainer_spec.bos_id");
                case 42 -> eos = (int) varint(r, tag, "trainer_spec.eos_id");
                case 43 -> pad = (int) varint(r, tag, "trainer_spec.pad_id");
                case 44 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.unk_surface"); unkSurface = r.readString(); }
                case 45 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.unk_piece"); unkPiece = r.readString(); }
                case 46 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.bos_piece"); bosPiece = r.readString(); }
                case 47 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.eos_piece"); eosPiece = r.readString(); }
                case 48 -> { r.expect(tag, ProtoReader.LEN, "trainer_spec.pad_piece"); padPiece = r.readString(); }
                default -> r.skip(w);
            }
        }
        return new TrainerSpec(List.copyOf(input), modelPrefix, modelType, vocabSize, coverage, inputSentenceSize, seed,
                shrink, threads, subIter, maxSentLen, maxPieceLen, script, ws, number, suffix, digits, wsOnly,
                List.copyOf(control), List.copyOf(user), hard, byteFallback, unk, bos, eos, pad, unkPiece, bosPiece,
                eosPiece, padPiece, unkSurface);
    }

    private static long varint(ProtoReader r, int tag, String field) {
        r.expect(tag, ProtoReader.VARINT, field);
        return r.readVarint();
    }

    private static NormalizerSpec readNormalizer(ProtoReader r) {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummy = true, removeWs = true, escape = true;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> { r.expect(tag, ProtoReader.LEN, "normalizer_spec.name"); name = r.readString(); }
                case 2 -> { r.expect(tag, ProtoReader.LEN, "normalizer_spec.precompiled_charsmap"); charsmap =
                        r.readBytes(); }
                case 3 -> dummy = varint(r, tag, "normalizer_spec.add_dummy_prefix") != 0;
                case 4 -> removeWs = varint(r, tag, "normalizer_spec.remove_extra_whitespaces") != 0;
                case 5 -> escape = varint(r, tag, "normalizer_spec.escape_whitespaces") != 0;
                default -> r.skip(tag & 7);
            }
        }
        return new NormalizerSpec(name, charsmap, dummy, removeWs, escape);
    }

    // ---------------------------------------------------------------- writing

    /** Serializes to the ModelProto wire format (loadable by the sentencepiece library). */
    public byte[] toBytes() {
        ProtoWriter m = new ProtoWriter();
        for (int i = 0; i < pieces.length; i++) {
            ProtoWriter p = new ProtoWriter().string(1, pieces[i]).floatField(2, scores[i]);
            if (types[i] != NORMAL) p.varint(3, types[i]);
            m.message(1, p);
        }
        TrainerSpec t = trainerSpec;
        ProtoWriter ts = new ProtoWriter();
        for (String in : t.input()) ts.string(1, in);
        ts.string(2, t.modelPrefix()).varint(3, t.modelType()).varint(4, t.vocabSize()).floatField(10,
                t.characterCoverage())
                .varint(11, t.inputSentenceSize()).varint(14, t.seedSentencepieceSize()).floatField(15,
                        t.shrinkingFactor())
                .varint(16, t.numThreads()).varint(17, t.numSubIterations()).varint(18, t.maxSentenceLength())
                .varint(20, t.maxSentencepieceLength()).bool(21, t.splitByUnicodeScript()).bool(22,
                        t.splitByWhitespace())
                .bool(23, t.splitByNumber()).bool(24, t.treatWhitespaceAsSuffix()).bool(25, t.splitDigits())
                .bool(26, t.allowWhitespaceOnlyPieces());
        for (String c : t.controlSymbols()) ts.string(30, c);
        for (String u : t.userDefinedSymbols()) ts.string(31, u);
        ts.bool(33, t.hardVocabLimit()).bool(35, t.byteFallback()).varint(40, t.unkId()).varint(41, t.bosId())
                .varint(42, t.eosId()).varint(43, t.padId()).string(44, t.unkSurface()).string(45, t.unkPiece())
                .string(46, t.bosPiece()).string(47, t.eosPiece()).string(48, t.padPiece());
        m.message(2, ts);
        NormalizerSpec n = normalizerSpec;
        ProtoWriter ns = new ProtoWriter().string(1, n.name());
        if (n.precompiledCharsmap().length > 0) ns.bytes(2, n.precompiledCharsmap());
        ns.bool(3, n.addDummyPrefix()).bool(4, n.removeExtraWhitespaces()).bool(5, n.escapeWhitespaces());
        m.message(3, ns);
        return m.toByteArray();
    }
}
