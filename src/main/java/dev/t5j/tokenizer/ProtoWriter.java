package dev.t5j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the protocol-buffer wire format (proto2 scalar, string and nested-message fields). */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void tag(int field, int wire) {
        rawVarint(((long) field << 3) | wire);
    }

    /** int32/int64/enum/bool; negative int32 values are sign-extended to 10 bytes as protobuf requires. */
    ProtoWriter varint(int field, long v) {
        tag(field, ProtoReader.VARINT);
        rawVarint(v);
        return this;
    }

    ProtoWriter bool(int field, boolean v) {
        return varint(field, v ? 1 : 0);
    }

    ProtoWriter floatField(int field, float v) {
        tag(field, ProtoReader.FIXED32);
        int b = Float.floatToIntBits(v);
        out.write(b);
        out.write(b >>> 8);
        out.write(b >>> 16);
        out.write(b >>> 24);
        return this;
    }

    ProtoWriter bytes(int field, byte[] v) {
        tag(field, ProtoReader.LEN);
        rawVarint(v.length);
        out.writeBytes(v);
        return this;
    }

    ProtoWriter string(int field, String v) {
        return bytes(field, v.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
