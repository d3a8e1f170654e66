package dev.t5j.retrieval.index;

import java.io.BufferedOutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import dev.t5j.common.UserError;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Passages;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The parts every index directory shares: the passages file and the manifest. */
final class IndexFiles {
    static final String PASSAGES = "passages.jsonl";

    private IndexFiles() {}

    /** Writes {@code dir/passages.jsonl} and returns the SHA-256 (hex) of its bytes. */
    static String writePassages(Path dir, List<Passage> passages) throws IOException {
        MessageDigest md = sha256();
        try (var os =
                new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(PASSAGES)),
                1 << 16), md);
             var w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
            Passages.write(w, passages);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Reads the passages of a saved index and checks them against the manifest (count; with {@code verify}, hashes).
     */
    static List<Passage> readPassages(Path dir, IndexManifest m, boolean verify) {
        Path file = dir.resolve(m.passagesFile());
        Path manifest = dir.resolve(IndexManifest.FILE);
        if (!Files.isRegularFile(file)) throw UserError.at(manifest, 0, "passages.file", "'" + m.passagesFile()
                + "' is missing from the index");
        if (verify) {
            String sha = sha256(file);
            if (!sha.equals(m.passagesSha256()))
                throw new UserError(file + ": corrupted (SHA-256 " + sha + " differs from the manifest's "
                        + m.passagesSha256() + "); rebuild the index");
        }
        List<Passage> passages = Passages.load(List.of(file));
        if (passages.size() != m.count())
            throw new UserError(file + ": holds " + passages.size() + " passages but the manifest says " + m.count()
                    + "; rebuild the index");
        if (verify && !Passages.checksum(passages).equals(m.corpusChecksum()))
            throw UserError.at(manifest, 0, "corpus_checksum", "does not match the passages in " + file
                    + "; rebuild the index");
        return passages;
    }

    static void writeManifest(Path dir, IndexManifest m) throws IOException {
        Files.writeString(dir.resolve(IndexManifest.FILE), m.toJson(), StandardCharsets.UTF_8);
    }

    static String sha256(Path file) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
