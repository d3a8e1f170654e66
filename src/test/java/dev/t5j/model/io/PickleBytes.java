package dev.t5j.model.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes one by one, so tests spell out the exact bytes Python's pickler (protocol 2, as torch.save
 * uses it) emits. Each method is one opcode, named as in CPython's pickletools; {@link #put()} is BINPUT with the
 * next memo index, as the pickler numbers them (0, 1, 2, ...).
 */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int nextMemo;

    PickleBytes op(int b) {
        out.write(b);
        return this;
    }

    PickleBytes raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    private PickleBytes u32(long v) {
        for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i)) & 0xff);
        return this;
    }

    /** PROTO n: 0x80 n */
    PickleBytes proto(int n) {
        return op(0x80).op(n);
    }

    /** GLOBAL: 'c' module '\n' name '\n' */
    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** BINPUT i: 'q' i (1 byte); LONG_BINPUT 'r' (4 bytes LE) from 256 on. */
    PickleBytes put() {
        int i = nextMemo++;
        return i < 256 ? op('q').op(i) : op('r').u32(i);
    }

    int lastMemo() {
        return nextMemo - 1;
    }

    /** BINGET i: 'h' i; LONG_BINGET 'j' (4 bytes LE) from 256 on. */
    PickleBytes get(int i) {
        return i < 256 ? op('h').op(i) : op('j').u32(i);
    }

    /** BINUNICODE: 'X' u32 LE length, UTF-8 bytes */
    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').u32(b.length);
        out.writeBytes(b);
        return this;
    }

    /** Integers as the pickler picks: BININT1 'K' (0..255), BININT2 'M' (..65535), BININT 'J' (int32), LONG1. */
    PickleBytes integer(long v) {
        if (v >= 0 && v < 256) return op('K').op((int) v);
        if (v >= 0 && v < 65536) return op('M').op((int) v & 0xff).op((int) (v >>> 8));
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return op('J').u32(v);
        // LONG1 0x8a n, n bytes little-endian two's complement (8 bytes suffice here)
        op(0x8a).op(8);
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)) & 0xff);
        return this;
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes tuple() {
        return op('t');
    }

    PickleBytes emptyTuple() {
        return op(')');
    }

    PickleBytes tuple1() {
        return op(0x85);
    }

    PickleBytes tuple2() {
        return op(0x86);
    }

    PickleBytes tuple3() {
        return op(0x87);
    }

    PickleBytes reduce() {
        return op('R');
    }

    PickleBytes binpersid() {
        return op('Q');
    }

    PickleBytes newFalse() {
        return op(0x89);
    }

    PickleBytes emptyDict() {
        return op('}');
    }

    PickleBytes setitem() {
        return op('s');
    }

    PickleBytes setitems() {
        return op('u');
    }

    PickleBytes build() {
        return op('b');
    }

    PickleBytes stop() {
        return op('.');
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
