package dev.t5j.tokenizer;

import dev.t5j.common.UserError;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure-Java SentencePiece encoder/decoder with the C++ library's exact behaviour (sentencepiece_processor.cc,
 * unigram_model.cc EncodeOptimized, bpe_model.cc, model_interface.cc): same normalization, same Viterbi arithmetic
 * and tie-breaking, same BPE merge order, unknown-run merging, byte fallback and decoding rules.
 *
 * <p>Immutable and thread-safe; per-thread scratch buffers keep encoding free of per-character allocation.
 */
public final class SentencePieceProcessor {
    private static final float UNK_PENALTY = 10.0f;

    private final SentencePieceModel model;
    private final String[] pieces;
    private final byte[][] pieceBytes;
    private final float[] scores;
    private final byte[] types;
    private final ByteTrie trie; // NORMAL, USER_DEFINED, UNUSED pieces (sentencepiece's pieces_)
    private final ByteTrie reserved; // CONTROL, UNKNOWN, BYTE pieces (reserved_id_map_)
    private final Normalizer normalizer;
    private final ByteTrie userDefinedTrie; // user-defined symbols: never normalized, never split
    private final int modelType;
    private final int unkId;
    private final boolean byteFallback;
    private final int[] byteIds = new int[256];
    private final float minScore;
    private final float maxScore;
    private final Map<String, Integer> pieceIndex;
    // Per trie node: the piece ending there (USER_DEFINED_FLAG set for user-defined, -1 for none/unused) and its
    // score, so the Viterbi inner loop reads one array per byte instead of chasing id -> type -> score.
    private static final int USER_DEFINED_FLAG = 1 << 30;
    private final int[] nodePiece;
    private final double[] nodeScore;
    private final UnigramTies ties;

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    public static SentencePieceProcessor load(Path file) {
        SentencePieceModel m = SentencePieceModel.load(file);
        try {
            return new SentencePieceProcessor(m);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": invalid SentencePiece model: " + e.getMessage());
        }
    }

    /** @throws IllegalArgumentException when the model is inconsistent (as the C++ library's load would fail) */
    public SentencePieceProcessor(SentencePieceModel model) {
        this(model, null, UnigramTies.SENTENCEPIECE_0_2);
    }

    private SentencePieceProcessor(SentencePieceModel model, Normalizer normalizerOverride, UnigramTies ties) {
        this.model = model;
        this.ties = ties;
        this.pieces = model.pieces();
        this.scores = model.scores();
        this.types = model.types();
        this.modelType = model.trainerSpec().modelType();
        if (modelType < SentencePieceModel.UNIGRAM || modelType > SentencePieceModel.CHAR)
            throw new IllegalArgumentException("unknown model_type " + modelType
                    + " (1 unigram, 2 bpe, 3 word, 4 char)");
        this.byteFallback = model.trainerSpec().byteFallback();
        int n = pieces.length;
        pieceBytes = new byte[n][];
        List<byte[]> normalKeys = new ArrayList<>(), reservedKeys = new ArrayList<>(), userKeys = new ArrayList<>();
        IntList normalIds = new IntList(n), reservedIds = new IntList(), userIds = new IntList();
        pieceIndex = new HashMap<>(n * 2);
        int unk = -1;
        Arrays.fill(byteIds, -1);
        float mn = Float.MAX_VALUE, mx = Float.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            String p = pieces[i];
            if (p.indexOf('\0') >= 0) throw new IllegalArgumentException("piece " + i + " contains a NUL character");
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            pieceBytes[i] = b;
            if (pieceIndex.putIfAbsent(p, i) != null) throw new IllegalArgumentException("piece '" + p
                    + "' is defined twice (ids " + pieceIndex.get(p) + " and " + i + ")");
            byte t = types[i];
            boolean normal = t == SentencePieceModel.NORMAL || t == SentencePieceModel.USER_DEFINED || t ==
                    SentencePieceModel.UNUSED;
            if (normal) {
                normalKeys.add(b);
                normalIds.add(i);
            } else {
                reservedKeys.add(b);
                reservedIds.add(i);
            }
            if (t == SentencePieceModel.USER_DEFINED) {
                userKeys.add(b);
                userIds.add(i);
            }
            if (t == SentencePieceModel.NORMAL) {
                mn = Math.min(mn, scores[i]);
                mx = Math.max(mx, scores[i]);
            }
            if (t == SentencePieceModel.UNKNOWN) {
                if (unk >= 0) throw new IllegalArgumentException("two unknown pieces (ids " + unk + " and " + i + ")");
                unk = i;
            }
            if (t == SentencePieceModel.BYTE) {
                if (!byteFallback) throw new IllegalArgumentException("byte piece " + p
                        + " found although byte_fallback is false");
                int v = pieceToByte(p);
                if (v < 0) throw new IllegalArgumentException("invalid byte piece " + p);
                byteIds[v] = i;
            }
        }
        if (unk < 0) throw new IllegalArgumentException("no unknown piece (type UNKNOWN) is defined");
        if (byteFallback) for (int v = 0; v < 256; v++)
            if (byteIds[v] < 0) throw new IllegalArgumentException("byte_fallback is set but byte piece <0x"
                    + String.format("%02X", v) + "> is missing");
        this.unkId = unk;
        this.minScore = mn;
        this.maxScore = mx;
        this.trie = ByteTrie.build(normalKeys, normalIds.toArray());
        this.reserved = ByteTrie.build(reservedKeys, reservedIds.toArray());
        this.userDefinedTrie = userKeys.isEmpty() ? null : ByteTrie.build(userKeys, userIds.toArray());
        nodePiece = new int[trie.nodeCount()];
        nodeScore = new double[trie.nodeCount()];
        for (int node = 0; node < nodePiece.length; node++) {
            int v = trie.value(node);
            if (v < 0 || types[v] == SentencePieceModel.UNUSED) {
                nodePiece[node] = -1;
                continue;
            }
            nodePiece[node] = types[v] == SentencePieceModel.USER_DEFINED ? v | USER_DEFINED_FLAG : v;
            nodeScore[node] = scores[v];
        }
        if (normalizerOverride != null) {
            this.normalizer = normalizerOverride;
        } else {
            SentencePieceModel.NormalizerSpec ns = model.normalizerSpec();
            CharsMap cm = null;
            if (ns.precompiledCharsmap().length > 0) cm = CharsMap.parse(ns.precompiledCharsmap());
            ByteTrie ud = userDefinedTrie;
            this.normalizer = new Normalizer(cm, ud, ns.addDummyPrefix(), ns.removeExtraWhitespaces(),
                    ns.escapeWhitespaces(), model.trainerSpec().treatWhitespaceAsSuffix());
        }
    }

    /** The same model with {@code add_dummy_prefix} switched (HF's {@code add_prefix_space}). */
    public SentencePieceProcessor withAddDummyPrefix(boolean v) {
        if (v == normalizer.addDummyPrefix()) return this;
        return new SentencePieceProcessor(model, normalizer.withAddDummyPrefix(v), ties);
    }

    /** The same model with another Unigram tie rule (the default is sentencepiece 0.2's); BPE is unaffected. */
    public SentencePieceProcessor withTies(UnigramTies t) {
        if (t == ties) return this;
        return new SentencePieceProcessor(model, normalizer, t);
    }

    public UnigramTies ties() {
        return ties;
    }

    static int pieceToByte(String p) {
        if (p.length() != 6 || !p.startsWith("<0x") || p.charAt(5) != '>') return -1;
        int hi = Character.digit(p.charAt(3), 16), lo = Character.digit(p.charAt(4), 16);
        if (hi < 0 || lo < 0 || Character.isLowerCase(p.charAt(3)) || Character.isLowerCase(p.charAt(4))) return -1;
        return hi * 16 + lo;
    }

    // ------------------------------------------------------------------ accessors

    public SentencePieceModel model() {
        return model;
    }

    public int pieceSize() {
        return pieces.length;
    }

    public String idToPiece(int id) {
        return pieces[id];
    }

    /** Id of a piece string; the unknown id when absent (as sentencepiece's PieceToId). */
    public int pieceToId(String piece) {
        Integer id = pieceIndex.get(piece);
        return id == null ? unkId : id;
    }

    public float score(int id) {
        return scores[id];
    }

    public byte type(int id) {
        return types[id];
    }

    public boolean isControl(int id) {
        return types[id] == SentencePieceModel.CONTROL;
    }

    public boolean isUnknown(int id) {
        return types[id] == SentencePieceModel.UNKNOWN;
    }

    public int unkId() {
        return unkId;
    }

    /** Id of a reserved id (bos/eos/pad) as the trainer spec says, checked against the pieces; -1 when unused. */
    public int eosId() {
        return specId(model.trainerSpec().eosId());
    }

    public int bosId() {
        return specId(model.trainerSpec().bosId());
    }

    public int padId() {
        return specId(model.trainerSpec().padId());
    }

    private int specId(int id) {
        return id >= 0 && id < pieces.length ? id : -1;
    }

    // ------------------------------------------------------------------ encoding

    /** Per-thread work arrays, grown as needed and reused. */
    private static final class Scratch {
        final Normalizer.Buf norm = new Normalizer.Buf();
        float[] best = new float[256];
        int[] startsAt = new int[256];
        int[] bestId = new int[256];
        // raw model output: ranges into norm and ids
        int[] rs = new int[64], re = new int[64], rid = new int[64];
        int rn;
        // BPE symbols
        int[] symStart = new int[64], symLen = new int[64], prev = new int[64], next = new int[64];
        boolean[] freeze = new boolean[64];
        PairHeap heap = new PairHeap();

        void ensureLattice(int n) {
            if (best.length < n) {
                int c = Math.max(n, best.length * 2);
                best = new float[c];
                startsAt = new int[c];
                bestId = new int[c];
            }
        }

        void ensureSymbols(int n) {
            if (symStart.length < n) {
                int c = Math.max(n, symStart.length * 2);
                symStart = new int[c];
                symLen = new int[c];
                prev = new int[c];
                next = new int[c];
                freeze = new boolean[c];
            }
        }

        void addResult(int s, int e, int id) {
            if (rn == rs.length) {
                rs = Arrays.copyOf(rs, rn * 2);
                re = Arrays.copyOf(re, rn * 2);
                rid = Arrays.copyOf(rid, rn * 2);
            }
            rs[rn] = s;
            re[rn] = e;
            rid[rn] = id;
            rn++;
        }
    }

    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        encode(text, out);
        return out.toArray();
    }

    /** Appends the ids of {@code text} to {@code out}. */
    public void encode(CharSequence text, IntList out) {
        byte[] b = Utf8.encode(text);
        encodeUtf8(b, 0, b.length, out, null);
    }

    /** Encodes raw UTF-8 bytes exactly as the C++ library would (malformed bytes become U+FFFD). */
    public int[] encodeUtf8(byte[] utf8) {
        IntList out = new IntList();
        encodeUtf8(utf8, 0, utf8.length, out, null);
        return out.toArray();
    }

    public List<String> encodeAsPieces(String text) {
        byte[] b = Utf8.encode(text);
        IntList ids = new IntList();
        List<String> ps = new ArrayList<>();
        encodeUtf8(b, 0, b.length, ids, ps);
        return ps;
    }

    /** The normalized form sentencepiece feeds its model (with U+2581 for spaces). */
    public String normalize(String text) {
        byte[] b = Utf8.encode(text);
        Scratch sc = scratch.get();
        normalizer.normalize(b, 0, b.length, sc.norm);
        return new String(sc.norm.b, 0, sc.norm.n, StandardCharsets.UTF_8);
    }

    /** Core: normalize, segment, then populate ids (merging unknown runs, expanding byte fallback). */
    public void encodeUtf8(byte[] in, int from, int to, IntList outIds, List<String> outPieces) {
        Scratch sc = scratch.get();
        normalizer.normalize(in, from, to, sc.norm);
        sc.rn = 0;
        int n = sc.norm.n;
        if (n == 0) return;
        switch (modelType) {
            case SentencePieceModel.UNIGRAM -> unigram(sc, n);
            case SentencePieceModel.BPE -> bpe(sc, n);
            case SentencePieceModel.WORD -> word(sc, n);
            default -> chars(sc, n);
        }
        byte[] nb = sc.norm.b;
        boolean prevUnk = false;
        for (int k = 0; k < sc.rn; k++) {
            int id = sc.rid[k], s = sc.rs[k], e = sc.re[k];
            boolean unk = types[id] == SentencePieceModel.UNKNOWN;
            if (unk && byteFallback) {
                for (int j = s; j < e; j++) {
                    int bid = byteIds[nb[j] & 0xFF];
                    outIds.add(bid);
                    if (outPieces != null) outPieces.add(pieces[bid]);
                }
            } else if (unk && prevUnk && types[outIds.last()] == SentencePieceModel.UNKNOWN) {
                // merge a run of unknown pieces into one (the id is unchanged; only the surface grows)
                if (outPieces != null) {
                    int last = outPieces.size() - 1;
                    outPieces.set(last, outPieces.get(last) + new String(nb, s, e - s, StandardCharsets.UTF_8));
                }
            } else {
                outIds.add(id);
                if (outPieces != null) outPieces.add(unk ? new String(nb, s, e - s, StandardCharsets.UTF_8)
                        : pieces[id]);
            }
            prevUnk = unk;
        }
    }

    /**
     * unigram_model.cc Model::EncodeOptimized, including its mixed float/double arithmetic; the comparison follows
     * {@link UnigramTies} (0.2.2: the candidate rounded to float first; 0.1: the double sum against the stored float).
     */
    private void unigram(Scratch sc, int n) {
        byte[] s = sc.norm.b;
        sc.ensureLattice(n + 1);
        float[] best = sc.best;
        int[] startsAt = sc.startsAt, bestId = sc.bestId;
        for (int i = 0; i <= n; i++) {
            best[i] = 0;
            startsAt[i] = -1;
        }
        final float unkScore = minScore - UNK_PENALTY;
        final ByteTrie t = trie;
        final int[] nodePiece = this.nodePiece;
        final double[] nodeScore = this.nodeScore;
        final boolean legacy = ties == UnigramTies.SENTENCEPIECE_0_1;
        int pos = 0;
        while (pos < n) {
            final float here = best[pos];
            final int mblen = Math.min(Utf8.oneCharLen(s[pos]), n - pos);
            boolean hasSingle = false;
            int node = ByteTrie.ROOT;
            for (int k = pos; k < n; k++) {
                node = t.child(node, s[k]);
                if (node < 0) break;
                int id = nodePiece[node]; // -1: no usable piece ends here (none, or UNUSED)
                if (id < 0) continue;
                int len = k + 1 - pos;
                int end = k + 1;
                // The C++ ternary mixes a double branch (user-defined) with a float one, so the sum is a double.
                double score = id >= USER_DEFINED_FLAG ? (double) (len * maxScore) - 0.1 : nodeScore[node];
                double cand = score + (double) here;
                boolean better = legacy ? cand > (double) best[end] : (float) cand > best[end];
                if (startsAt[end] == -1 || better) {
                    best[end] = (float) cand;
                    startsAt[end] = pos;
                    bestId[end] = id & ~USER_DEFINED_FLAG;
                }
                if (len == mblen) hasSingle = true;
            }
            if (!hasSingle) {
                int end = pos + mblen;
                float cand = unkScore + here;
                if (startsAt[end] == -1 || cand > best[end]) {
                    best[end] = cand;
                    startsAt[end] = pos;
                    bestId[end] = unkId;
                }
            }
            pos += mblen;
        }
        // backtrack, then reverse into the result arrays
        int count = 0;
        for (int e = n; e > 0; e = startsAt[e]) count++;
        sc.rn = 0;
        for (int i = 0; i < count; i++) sc.addResult(0, 0, 0);
        int k = count - 1;
        for (int e = n; e > 0; e = startsAt[e], k--) {
            sc.rs[k] = startsAt[e];
            sc.re[k] = e;
            sc.rid[k] = bestId[e];
        }
    }

    /** PieceToId of a byte range: reserved pieces first, then normal ones, else unk. */
    private int lookup(byte[] s, int from, int to) {
        int id = reserved.get(s, from, to);
        if (id >= 0) return id;
        id = trie.get(s, from, to);
        return id >= 0 ? id : unkId;
    }

    /** bpe_model.cc Model::SampleEncode with alpha = 0 (no dropout). */
    private void bpe(Scratch sc, int n) {
        byte[] s = sc.norm.b;
        sc.ensureSymbols(n);
        int[] st = sc.symStart, ln = sc.symLen, prev = sc.prev, next = sc.next;
        boolean[] freeze = sc.freeze;
        ByteTrie ud = userDefinedTrie;
        int count = 0;
        for (int pos = 0; pos < n; ) {
            int m = ud == null ? 0 : ud.longestPrefix(s, pos, n);
            boolean fr = m > 0;
            if (!fr) m = Math.min(Utf8.oneCharLen(s[pos]), n - pos);
            st[count] = pos;
            ln[count] = m;
            freeze[count] = fr;
            prev[count] = count - 1;
            pos += m;
            next[count] = pos < n ? count + 1 : -1;
            count++;
        }
        PairHeap heap = sc.heap;
        heap.clear();
        Map<String, String[]> revMerge = null;
        for (int i = 1; i < count; i++) revMerge = maybeAddPair(sc, i - 1, i, revMerge);
        while (heap.size() > 0) {
            int left = heap.topLeft(), right = heap.topRight(), size = heap.topSize();
            heap.pop();
            if (ln[left] == 0 || ln[right] == 0 || ln[left] + ln[right] != size) continue;
            ln[left] += ln[right];
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            ln[right] = 0;
            revMerge = maybeAddPair(sc, prev[left], left, revMerge);
            revMerge = maybeAddPair(sc, left, next[left], revMerge);
        }
        sc.rn = 0;
        for (int i = 0; i != -1; i = next[i]) resegment(sc, s, st[i], st[i] + ln[i], revMerge);
    }

    private Map<String, String[]> maybeAddPair(Scratch sc, int left, int right, Map<String, String[]> revMerge) {
        if (left == -1 || right == -1 || sc.freeze[left] || sc.freeze[right]) return revMerge;
        byte[] s = sc.norm.b;
        int from = sc.symStart[left], to = from + sc.symLen[left] + sc.symLen[right];
        int id = trie.get(s, from, to);
        if (id < 0) return revMerge;
        sc.heap.push(scores[id], left, right, to - from);
        if (types[id] == SentencePieceModel.UNUSED) {
            if (revMerge == null) revMerge = new HashMap<>();
            int mid = from + sc.symLen[left];
            revMerge.put(new String(s, from, to - from, StandardCharsets.ISO_8859_1),
                    new String[] {new String(s, from, mid - from, StandardCharsets.ISO_8859_1),
                            new String(s, mid, to - mid, StandardCharsets.ISO_8859_1)});
        }
        return revMerge;
    }

    private void resegment(Scratch sc, byte[] s, int from, int to, Map<String, String[]> revMerge) {
        int id = lookup(s, from, to);
        if (types[id] != SentencePieceModel.UNUSED || revMerge == null) {
            sc.addResult(from, to, id);
            return;
        }
        String[] p = revMerge.get(new String(s, from, to - from, StandardCharsets.ISO_8859_1));
        if (p == null) {
            sc.addResult(from, to, id);
            return;
        }
        int mid = from + p[0].length(); // ISO-8859-1 strings: one char per byte
        resegment(sc, s, from, mid, revMerge);
        resegment(sc, s, mid, to, revMerge);
    }

    /** word_model.cc: whitespace-delimited words (SplitIntoWords), each looked up whole. */
    private void word(Scratch sc, int n) {
        byte[] s = sc.norm.b;
        boolean suffix = model.trainerSpec().treatWhitespaceAsSuffix();
        int wordStart = 0;
        for (int pos = 0; pos < n; ) {
            int m = Math.min(Utf8.oneCharLen(s[pos]), n - pos);
            boolean ws = m == 3 && s[pos] == Normalizer.SPACE_SYMBOL[0] && s[pos + 1] == Normalizer.SPACE_SYMBOL[1]
                    && s[pos + 2] == Normalizer.SPACE_SYMBOL[2];
            if (!suffix && ws && pos > wordStart) {
                sc.addResult(wordStart, pos, lookup(s, wordStart, pos));
                wordStart = pos;
            }
            pos += m;
            if (suffix && ws) {
                sc.addResult(wordStart, pos, lookup(s, wordStart, pos));
                wordStart = pos;
            }
        }
        if (wordStart < n) sc.addResult(wordStart, n, lookup(s, wordStart, n));
    }

    /** char_model.cc: one piece per character. */
    private void chars(Scratch sc, int n) {
        byte[] s = sc.norm.b;
        for (int pos = 0; pos < n; ) {
            int m = Math.min(Utf8.oneCharLen(s[pos]), n - pos);
            sc.addResult(pos, pos + m, lookup(s, pos, pos + m));
            pos += m;
        }
    }

    // ------------------------------------------------------------------ decoding

    /** DecodeIds: control pieces vanish, unknown becomes " ⁇ ", byte pieces are reassembled into UTF-8. */
    public String decode(int[] ids) {
        for (int id : ids) if (id < 0 || id >= pieces.length) throw new IllegalArgumentException("invalid id " + id
                + " (vocabulary has " + pieces.length + " pieces)");
        return decode(ids, null);
    }

    private String decode(int[] ids, List<String> ps) {
        SentencePieceModel.NormalizerSpec ns = model.normalizerSpec();
        boolean dummy = normalizer.addDummyPrefix(), removeWs = ns.removeExtraWhitespaces();
        String unkSurface = model.trainerSpec().unkSurface();
        StringBuilder text = new StringBuilder();
        byte[] bytes = new byte[16];
        int nb = 0;
        boolean isBosWs = true, bosWsSeen = false;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (types[id] == SentencePieceModel.BYTE) {
                if (nb == bytes.length) bytes = Arrays.copyOf(bytes, nb * 2);
                bytes[nb++] = (byte) pieceToByte(pieces[id]);
                continue;
            }
            appendBytes(text, bytes, nb);
            nb = 0;
            if (bosWsSeen || text.length() > 0) isBosWs = false;
            String piece = ps == null ? pieces[id] : ps.get(i);
            byte t = types[id];
            bosWsSeen = false;
            if (t == SentencePieceModel.CONTROL) {
                continue;
            } else if (t == SentencePieceModel.UNKNOWN) {
                text.append(pieces[id].equals(piece) ? unkSurface : piece);
                continue;
            }
            if (isBosWs && (dummy || removeWs)) {
                if (piece.startsWith("\u2581")) {
                    piece = piece.substring(1);
                    bosWsSeen = !removeWs;
                }
            }
            text.append(piece.replace('\u2581', ' '));
        }
        appendBytes(text, bytes, nb);
        return text.toString();
    }

    /** Byte pieces → text; each structurally invalid byte becomes U+FFFD (ProcessBytePieces). */
    private static void appendBytes(StringBuilder text, byte[] b, int n) {
        int i = 0;
        while (i < n) {
            int l = Utf8.validCharLen(b, i, n);
            if (l < 0) {
                text.append('\uFFFD');
                i++;
            } else {
                text.append(new String(b, i, l, StandardCharsets.UTF_8));
                i += l;
            }
        }
    }

    // ------------------------------------------------------------------ BPE agenda

    /** Max-heap of merge candidates: higher score first, then the leftmost (bpe_model.cc SymbolPairComparator). */
    static final class PairHeap {
        private float[] score = new float[64];
        private int[] left = new int[64], right = new int[64], size = new int[64];
        private int n;

        void clear() {
            n = 0;
        }

        int size() {
            return n;
        }

        int topLeft() {
            return left[0];
        }

        int topRight() {
            return right[0];
        }

        int topSize() {
            return size[0];
        }

        private boolean before(int a, int b) { // a has higher priority than b
            return score[a] > score[b] || (score[a] == score[b] && left[a] < left[b]);
        }

        void push(float sc, int l, int r, int sz) {
            if (n == score.length) {
                score = Arrays.copyOf(score, n * 2);
                left = Arrays.copyOf(left, n * 2);
                right = Arrays.copyOf(right, n * 2);
                size = Arrays.copyOf(size, n * 2);
            }
            score[n] = sc;
            left[n] = l;
            right[n] = r;
            size[n] = sz;
            int i = n++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!before(i, p)) break;
                swap(i, p);
                i = p;
            }
        }

        void pop() {
            n--;
            if (n == 0) return;
            score[0] = score[n];
            left[0] = left[n];
            right[0] = right[n];
            size[0] = size[n];
            int i = 0;
            while (true) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < n && before(l, m)) m = l;
                if (r < n && before(r, m)) m = r;
                if (m == i) break;
                swap(i, m);
                i = m;
            }
        }

        private void swap(int a, int b) {
            float s = score[a];
            score[a] = score[b];
            score[b] = s;
            int t = left[a];
            left[a] = left[b];
            left[b] = t;
            t = right[a];
            right[a] = right[b];
            right[b] = t;
            t = size[a];
            size[a] = size[b];
            size[b] = t;
        }
    }
}
