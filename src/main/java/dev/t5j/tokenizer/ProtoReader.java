package dev.t5j.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader of the protocol-buffer wire format, just enough for SentencePiece's {@code ModelProto}.
 * Every problem (truncation, bad varint, unknown wire type) is a {@link Malformed} carrying the absolute byte offset,
 * so a corrupt model file yields "file (byte N): what" instead of an exception deep inside a parser or a silent
 * half-parsed model.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    /** A malformed message; {@link #offset} is absolute within the whole buffer. */
    static final class Malformed extends RuntimeException {
        final long offset;

        Malformed(long offset, String what) {
            super(what);
            this.offset = offset;
        }
    }

    private final byte[] buf;
    private int pos;
    private final int end;
    private int tagStart;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    ProtoReader(byte[] buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
    }

    boolean hasMore() {
        return pos < end;
    }

    int position() {
        return pos;
    }

    /** Offset of the last tag read (for error messages about a field). */
    int tagStart() {
        return tagStart;
    }

    /** Reads a field tag; returns {@code fieldNumber << 3 | wireType}. */
    int readTag() {
        tagStart = pos;
        long t = readVarint();
        if (t <= 0 || (t >>> 3) > 0x1FFFFFFFL) throw new Malformed(tagStart, "invalid field tag " + t);
        int wire = (int) (t & 7);
        if (wire != VARINT && wire != FIXED64 && wire != LEN && wire != FIXED32)
            throw new Malformed(tagStart, "unsupported wire type " + wire + " for field " + (t >>> 3));
        return (int) t;
    }

    long readVarint() {
        int start = pos;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw new Malformed(start, "truncated varint");
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) return result;
        }
        throw new Malformed(start, "varint longer than 10 bytes");
    }

    int readFixed32() {
        if (end - pos < 4) throw new Malformed(pos, "truncated 32-bit value");
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos
                + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    float readFloat() {
        return Float.intBitsToFloat(readFixed32());
    }

    /** Start of a length-delimited payload; advances past it. Returns {start, end}. */
    int[] readLengthDelimited() {
        int start = pos;
        long len = readVarint();
        if (len < 0 || len > end - pos) throw new Malformed(start, "length " + len + " runs past the end of the data ("
                + (end - pos) + " bytes left)");
        int s = pos;
        pos += (int) len;
        return new int[] {s, pos};
    }

    byte[] readBytes() {
        int[] r = readLengthDelimited();
        byte[] out = new byte[r[1] - r[0]];
        System.arraycopy(buf, r[0], out, 0, out.length);
        return out;
    }

    String readString() {
        int[] r = readLengthDelimited();
        return new String(buf, r[0], r[1] - r[0], StandardCharsets.UTF_8);
    }

    ProtoReader readMessage() {
        int[] r = readLengthDelimited();
        return new ProtoReader(buf, r[0], r[1]);
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                if (end - pos < 8) throw new Malformed(pos, "truncated 64-bit value");
                pos += 8;
            }
            case LEN -> readLengthDelimited();
            case FIXED32 -> readFixed32();
            default -> throw new Malformed(pos, "unsupported wire type " + wireType);
        }
    }

    /** Checks the wire type of the field just read and reports a mismatch with the field's name. */
    void expect(int tag, int wireType, String field) {
        if ((tag & 7) != wireType)
            throw new Malformed(tagStart, "field '" + field + "' has wire type " + (tag & 7) + ", expected "
                    + wireType);
    }
}
