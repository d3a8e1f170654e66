package dev.t5j.retrieval.index;

import java.util.Arrays;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Passages;
import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Flat index files (docs/retrieval.md, "Index format"): {@code manifest.json}, {@code passages.jsonl} and one
 * {@code embeddings.NNNNN.bin} per shard. An embeddings file is a 64-byte little-endian header (magic
 * {@code T5JEMBED}, header version, dtype code 0 = fp32 / 1 = fp16, rows, dim, first row) followed by the rows,
 * row-major little-endian. Its data section's CRC-32C is in the manifest.
 *
 * <p>Data moves straight between the file and the tensors' native memory (no heap copy). Loading re-splits the rows
 * into any number of shards, checking sizes, headers and checksums on the way.
 */
final class FlatIndexFiles {
    static final int HEADER_BYTES = 64;
    static final byte[] MAGIC = "T5JEMBED".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_VERSION = 1;
    /** Bytes moved per read/write call. */
    private static final int CHUNK = 1 << 24;

    private FlatIndexFiles() {}

    static String shardFile(int i) {
        return String.format(Locale.ROOT, "embeddings.%05d.bin", i);
    }

    /** The manifest of an index (null hashes/checksums until it is saved). */
    static IndexManifest describe(FlatIndex idx, String passagesSha, List<IndexManifest.Part> parts) {
        if (parts == null) {
            parts = new ArrayList<>();
            int i = 0;
            for (FlatIndex.Shard s : idx.shards()) parts.add(new IndexManifest.Part(shardFile(i++), s.first(), s.rows(),
                    null));
        }
        return new IndexManifest(IndexManifest.FORMAT_VERSION, IndexManifest.TYPE_FLAT, idx.size(), idx.dim(),
                idx.dtype(),
                IndexFiles.PASSAGES, passagesSha, Passages.checksum(idx.passages()), idx.encoderFingerprint(),
                        IndexFiles.now(),
                IndexManifest.currentT5jVersion(), parts, null);
    }

    static IndexManifest save(FlatIndex idx, Path dir) throws IOException {
        requireLittleEndian();
        IndexManifest[] written = new IndexManifest[1];
        AtomicFiles.writeDirectory(dir, tmp -> {
            String sha = IndexFiles.writePassages(tmp, idx.passages());
            List<IndexManifest.Part> parts = new ArrayList<>();
            int i = 0;
            for (FlatIndex.Shard s : idx.shards()) {
                String name = shardFile(i++);
                String crc = writeShard(tmp.resolve(name), s, idx.dim(), idx.dtype());
                parts.add(new IndexManifest.Part(name, s.first(), s.rows(), crc));
            }
            written[0] = describe(idx, sha, parts);
            IndexFiles.writeManifest(tmp, written[0]); // last: a directory with a manifest is complete
        });
        return written[0];
    }

    /**
     * Writes the embeddings files of the shards {@code idx} holds into {@code dir}, numbered from
     * {@code firstShard} (their global shard numbers); returns their CRC-32C values in order.
     */
    static long[] writeHeldShards(FlatIndex idx, Path dir, int firstShard) throws IOException {
        requireLittleEndian();
        long[] crcs = new long[idx.shards().size()];
        for (int i = 0; i < crcs.length; i++)
            crcs[i] = Long.parseLong(writeShard(dir.resolve(shardFile(firstShard + i)), idx.shards().get(i),
                    idx.dim(), idx.dtype()), 16);
        return crcs;
    }

    /**
     * Writes {@code passages.jsonl} and the manifest of a sharded index whose {@code crcs.length} embeddings files
     * (the rows split into that many contiguous shards) are already in {@code dir}; {@code params.world_size} says
     * how many ranks wrote them.
     */
    static IndexManifest writeShardedManifest(FlatIndex idx, Path dir, long[] crcs, int world) throws IOException {
        String sha = IndexFiles.writePassages(dir, idx.passages());
        int[] bounds = FlatIndex.split(idx.size(), crcs.length);
        List<IndexManifest.Part> parts = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.length; i++)
            parts.add(new IndexManifest.Part(shardFile(i), bounds[i], bounds[i + 1] - bounds[i],
                    Long.toHexString(crcs[i])));
        IndexManifest m = new IndexManifest(IndexManifest.FORMAT_VERSION, IndexManifest.TYPE_FLAT, idx.size(),
                idx.dim(), idx.dtype(), IndexFiles.PASSAGES, sha, Passages.checksum(idx.passages()),
                idx.encoderFingerprint(), IndexFiles.now(), IndexManifest.currentT5jVersion(), parts,
                Map.of(ShardedIndex.WORLD_SIZE, world));
        IndexFiles.writeManifest(dir, m); // last: a directory with a manifest is complete
        return m;
    }

    private static String writeShard(Path file, FlatIndex.Shard s, int dim, IndexDtype dtype) throws IOException {
        long bytes = (long) s.rows() * dim * dtype.bytes;
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, header(dtype, s.rows(), dim, s.first()));
            BytePointer data = new BytePointer(s.emb().data_ptr()).capacity(bytes);
            for (long off = 0; off < bytes; off += CHUNK) {
                long len = Math.min(CHUNK, bytes - off);
                ByteBuffer buf = slice(data, off, len);
                crc.update(buf.duplicate());
                writeFully(ch, buf);
            }
            ch.force(true);
        }
        return Long.toHexString(crc.getValue());
    }

    static ByteBuffer header(IndexDtype dtype, int rows, int dim, int first) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(HEADER_VERSION).putInt(dtype == IndexDtype.FP16 ? 1 : 0).putLong(rows).putInt(dim).putInt(0)
                .putLong(first);
        h.clear();
        return h;
    }

    /** A buffer over native bytes [off, off + len) (len < 2 GiB), position 0. */
    static ByteBuffer slice(BytePointer base, long off, long len) {
        BytePointer p = base.getPointer(off);
        p.capacity(len);
        p.limit(len);
        return p.asByteBuffer();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    static FlatIndex load(Path dir, IndexManifest m, IndexLoadOptions options) {
        int shards = options.shards() == 0 ? m.shards().size() : options.shards();
        return load(dir, m, options, shards, 0, shards);
    }

    /**
     * Loads shards {@code [from, to)} of the rows split into {@code shards} (one rank's part of a
     * {@link ShardedIndex}; every saved part is re-split as needed). Parts holding none of these rows are not read;
     * a part only partly held is read in part, so its checksum cannot be checked (the passages file still is).
     */
    static FlatIndex load(Path dir, IndexManifest m, IndexLoadOptions options, int shards, int from, int to) {
        requireLittleEndian();
        List<Passage> passages = IndexFiles.readPassages(dir, m, options.verify());
        FlatIndex idx = FlatIndex.allocate(passages, m.dim(), m.dtype(), shards, from, to, m.encoderFingerprint());
        try {
            long rowBytes = (long) m.dim() * m.dtype().bytes;
            int lo = idx.firstRow();
            int hi = lo + idx.heldRows();
            for (IndexManifest.Part part : m.shards()) {
                int end = part.first() + part.rows();
                if (end <= lo || part.first() >= hi) continue;
                boolean whole = part.first() >= lo && end <= hi;
                readShard(dir.resolve(part.file()), part, m, rowBytes, idx, options.verify() && whole);
            }
        } catch (RuntimeException e) {
            idx.close();
            throw e;
        }
        idx.manifest(m);
        return idx;
    }

    private static void readShard(Path file, IndexManifest.Part part, IndexManifest m, long rowBytes, FlatIndex idx,
            boolean verify) {
        long dataBytes = part.rows() * rowBytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) throw UserError.atByte(file, size,
                    "truncated: no complete header; rebuild the index");
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, 0, file);
            h.flip();
            byte[] magic = new byte[MAGIC.length];
            h.get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw UserError.atByte(file, 0,
                    "not a t5j embeddings file (bad magic)");
            int version = h.getInt();
            if (version != HEADER_VERSION) throw UserError.atByte(file, 8, "unknown embeddings header version "
                    + version);
            int dtypeCode = h.getInt();
            long rows = h.getLong();
            int dim = h.getInt();
            h.getInt();
            long first = h.getLong();
            int want = m.dtype() == IndexDtype.FP16 ? 1 : 0;
            if (dtypeCode != want) throw UserError.atByte(file, 12, "dtype code " + dtypeCode
                    + " but the manifest says " + m.dtype());
            if (rows != part.rows() || dim != m.dim() || first != part.first())
                throw UserError.atByte(file, 16, "header says rows " + rows + ", dim " + dim + ", first " + first
                        + " but the manifest says rows "
                        + part.rows() + ", dim " + m.dim() + ", first " + part.first());
            if (size != HEADER_BYTES + dataBytes)
                throw UserError.atByte(file, size, (size < HEADER_BYTES + dataBytes ? "truncated" : "trailing bytes")
                        + ": the file has "
                        + size + " bytes, expected " + (HEADER_BYTES + dataBytes) + "; rebuild the index");
            CRC32C crc = new CRC32C();
            int pos = part.first();
            int end = part.first() + part.rows();
            int chunkRows = (int) Math.max(1, CHUNK / rowBytes);
            for (FlatIndex.Shard dst : idx.shards()) {
                int dstEnd = dst.first() + dst.rows();
                if (dstEnd <= pos || dst.first() >= end) continue;
                pos = Math.max(pos, dst.first()); // a part only partly held: skip the rows before this index's
                BytePointer mem = new BytePointer(dst.emb().data_ptr()).capacity((long) dst.rows() * rowBytes);
                while (pos < Math.min(end, dstEnd)) {
                    int n = Math.min(chunkRows, Math.min(end, dstEnd) - pos);
                    long at = (long) (pos - dst.first()) * rowBytes;
                    ByteBuffer buf = slice(mem, at, n * rowBytes);
                    readFully(ch, buf, HEADER_BYTES + (long) (pos - part.first()) * rowBytes, file);
                    if (verify) {
                        buf.flip();
                        crc.update(buf);
                    }
                    pos += n;
                }
            }
            if (verify && (part.crc32c() == null || !Long.toHexString(crc.getValue()).equals(part.crc32c())))
                throw new UserError(file + ": corrupted (CRC-32C " + Long.toHexString(crc.getValue())
                        + " differs from the manifest's "
                        + part.crc32c() + "); rebuild the index");
        } catch (NoSuchFileException e) {
            throw UserError.at(file.resolveSibling(IndexManifest.FILE), 0, "shards", "'" + file.getFileName()
                    + "' is missing from the index");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position, Path file) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) throw UserError.atByte(file, p, "truncated; rebuild the index");
            p += n;
        }
    }

    private static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
            throw new UnsupportedOperationException("index files are little-endian; this platform is big-endian");
    }
}
