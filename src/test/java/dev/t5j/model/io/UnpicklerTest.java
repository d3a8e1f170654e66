package dev.t5j.model.io;

import dev.t5j.common.UserError;
import dev.t5j.model.io.Unpickler.PyTuple;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnpicklerTest {
    static Object load(byte[] b) {
        return new Unpickler(b, Path.of("f.bin"), "data.pkl", Map.of("collections.OrderedDict", a
                -> new java.util.LinkedHashMap<>()),
                Set.of(), pid -> pid).load();
    }

    @Test
    void protocolTwoScalarsAndContainers() {
        // {'i': [1, 300, -2, 2**40, -(2**63)], 'f': 0.5, 'b': (True, False, None), 's': 'é'}
        PickleBytes p = new PickleBytes().proto(2).emptyDict().put().mark();
        p.str("i").put().op(']').put().mark().integer(1).integer(300).integer(-2).integer(1L <<
                40).integer(Long.MIN_VALUE).op('e');
        // BINFLOAT is big-endian: 0.5 = 3f e0 00 00 00 00 00 00
        p.str("f").put().op('G').raw((byte) 0x3f, (byte) 0xe0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0,
                (byte) 0);
        p.str("b").put().op(0x88).op(0x89).op('N').tuple3().put();
        p.str("s").put().str("é").put();
        p.setitems().stop();
        Map<?, ?> m = (Map<?, ?>) load(p.bytes());
        assertEquals(List.of(1L, 300L, -2L, 1L << 40, Long.MIN_VALUE), m.get("i"));
        assertEquals(0.5, m.get("f"));
        PyTuple t = (PyTuple) m.get("b");
        assertEquals(Boolean.TRUE, t.get(0));
        assertEquals(Boolean.FALSE, t.get(1));
        assertNull(t.get(2));
        assertEquals("é", m.get("s"));
    }

    @Test
    void protocolFourOpcodes() {
        // FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL, EMPTY_SET/ADDITEMS, LONG1 (wide), SHORT_BINBYTES
        PickleBytes p = new PickleBytes().proto(4).op(0x95).raw(new byte[8]);
        p.op(0x8c).op(11).raw("collections".getBytes()).op(0x94);
        p.op(0x8c).op(11).raw("OrderedDict".getBytes()).op(0x94);
        p.op(0x93).op(0x94).emptyTuple().reduce().op(0x94);            // OrderedDict() -> memo 3
        p.op(0x8c).op(1).raw((byte) 'k').op(0x94);
        p.op(0x8f).op(0x94).mark().integer(5).integer(6).op(0x90);     // {5, 6}
        p.setitem();
        p.op(0x8c).op(1).raw((byte) 'x').op(0x94);
        p.op(0x8a).op(9).raw(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 1});     // 2**64
        p.setitem();
        p.op(0x8c).op(1).raw((byte) 'y').op('C').op(2).raw((byte) 1, (byte) 2).setitem();
        p.op(0x8c).op(1).raw((byte) 'z').op('h').op(3).setitem();       // BINGET the dict itself (recursive)
        p.stop();
        Map<?, ?> m = (Map<?, ?>) load(p.bytes());
        assertEquals(Set.of(5L, 6L), m.get("k"));
        assertEquals(BigInteger.ONE.shiftLeft(64), m.get("x"));
        assertArrayEquals(new byte[]{1, 2}, (byte[]) m.get("y"));
        assertTrue(m.get("z") == m);
    }

    @Test
    void malformedPicklesFailWithPosition() {
        UserError a = assertThrows(UserError.class, () -> load(new PickleBytes().proto(2).op('t').bytes()));
        assertTrue(a.getMessage().contains("f.bin") && a.getMessage().contains("data.pkl (byte 2)")
                && a.getMessage().contains("MARK"), a.getMessage());
        UserError b = assertThrows(UserError.class, () -> load(new PickleBytes().proto(2).op(0xff).bytes()));
        assertTrue(b.getMessage().contains("opcode 0xff"), b.getMessage());
        UserError c = assertThrows(UserError.class, () -> load(new PickleBytes().proto(2).get(9).stop().bytes()));
        assertTrue(c.getMessage().contains("memo"), c.getMessage());
        UserError d = assertThrows(UserError.class, () -> load(new PickleBytes().proto(2).integer(1).integer(2).stop()
                .bytes()));
        assertTrue(d.getMessage().contains("2 objects"), d.getMessage());
        UserError e = assertThrows(UserError.class, () -> load(new PickleBytes().proto(2).global("builtins",
                "eval").stop().bytes()));
        assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
        UserError f = assertThrows(UserError.class, () -> load(new PickleBytes().proto(2).str("x").bytes()));
        assertTrue(f.getMessage().contains("truncated"), f.getMessage());
    }
}
