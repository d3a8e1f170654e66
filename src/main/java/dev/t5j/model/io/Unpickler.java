package dev.t5j.model.io;

import dev.t5j.common.UserError;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A minimal, safe interpreter for Python pickles (protocols 2 to 5), enough for PyTorch state dicts.
 *
 * <p>Safe because it never resolves a class or function by itself: a {@code GLOBAL} must be in the caller's
 * allow-list, and calling one ({@code REDUCE}/{@code NEWOBJ}) runs the caller's Java function for it, never Python
 * code. Anything else is refused with an error naming the global. Objects become plain Java values:
 * None → null, bool → Boolean, int → Long (BigInteger if wider), float → Double, str → String, bytes → byte[],
 * tuple → {@link PyTuple}, list → ArrayList, dict → LinkedHashMap, set → LinkedHashSet, an allowed global →
 * {@link PyGlobal}. {@code BUILD} (setting instance attributes) keeps the object and drops the state: the objects a
 * state dict holds carry none we need (OrderedDict's {@code _metadata}, for one).
 *
 * <p>Opcode facts follow CPython's {@code pickletools}: integers little-endian, {@code BINFLOAT} big-endian.
 */
public final class Unpickler {
    /** A Python tuple (nulls allowed, equality by content so tuples work as dict keys). */
    public record PyTuple(List<Object> items) {
        public PyTuple {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }
    }

    /** A module-level name the allow-list admitted, e.g. {@code torch.FloatStorage}. */
    public record PyGlobal(String module, String name) {
        public String qualified() {
            return module + "." + name;
        }

        @Override
        public String toString() {
            return qualified();
        }
    }

    /** The Java meaning of an allowed callable global; throws IllegalArgumentException on bad arguments. */
    @FunctionalInterface
    public interface PyCallable {
        Object call(PyTuple args);
    }

    private static final Object MARK_SENTINEL = new Object();

    private final byte[] in;
    private final Path file;
    private final String entry;
    private final Map<String, PyCallable> callables;
    private final Set<String> values;
    private final Function<Object, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;
    private int opStart;

    /**
     * @param file, entry  named in error messages (the archive and the pickle inside it)
     * @param callables    allowed globals that may be called, by qualified name ("collections.OrderedDict")
     * @param values       allowed globals that may only be referenced (type markers such as "torch.FloatStorage")
     * @param persistentLoad maps a {@code BINPERSID} id to an object; may throw IllegalArgumentException
     */
    public Unpickler(byte[] in, Path file, String entry, Map<String, PyCallable> callables, Set<String> values,
                     Function<Object, Object> persistentLoad) {
        this.in = in;
        this.file = file;
        this.entry = entry;
        this.callables = callables;
        this.values = values;
        this.persistentLoad = persistentLoad;
    }

    /** Runs the pickle to its STOP and returns the object it built. */
    public Object load() {
        while (true) {
            opStart = pos;
            int op = u8();
            try {
                if (step(op)) break;
            } catch (IllegalArgumentException | ClassCastException | IndexOutOfBoundsException e) {
                throw error(e.getMessage());
            }
        }
        if (stack.size() != 1) throw error("pickle ended with " + stack.size() + " objects on the stack, expected 1");
        return stack.get(0);
    }

    private boolean step(int op) {
        switch (op) {
            case 0x80 -> { // PROTO
                int v = u8();
                if (v > 5) throw error("unsupported pickle protocol " + v);
            }
            case 0x95 -> skip(8); // FRAME: a length hint only
            case '.' -> { // STOP
                return true;
            }
            case '(' -> marks.add(stack.size()); // MARK
            case '0' -> pop(); // POP
            case '1' -> popMark(); // POP_MARK
            case '2' -> push(peek()); // DUP
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'J' -> push((long) i32()); // BININT
            case 'K' -> push((long) u8()); // BININT1
            case 'M' -> push((long) u16()); // BININT2
            case 0x8a -> push(longN(u8())); // LONG1
            case 0x8b -> push(longN(checkedLen(i32()))); // LONG4
            case 'I' -> push(textInt()); // INT (protocol 0/1; "I01\n" is True)
            case 'G' -> { // BINFLOAT, big-endian
                long bits = 0;
                for (int i = 0; i < 8; i++) bits = (bits << 8) | u8();
                push(Double.longBitsToDouble(bits));
            }
            case 'X' -> push(utf8(checkedLen(i32()))); // BINUNICODE
            case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
            case 0x8d -> push(utf8(checkedLen(i64()))); // BINUNICODE8
            case 'T' -> push(latin1(checkedLen(i32()))); // BINSTRING (py2 str)
            case 'U' -> push(latin1(u8())); // SHORT_BINSTRING
            case 'B' -> push(bytes(checkedLen(i32()))); // BINBYTES
            case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
            case 0x8e -> push(bytes(checkedLen(i64()))); // BINBYTES8
            case ')' -> push(new PyTuple(List.of()));
            case 0x85 -> push(new PyTuple(popN(1)));
            case 0x86 -> push(new PyTuple(popN(2)));
            case 0x87 -> push(new PyTuple(popN(3)));
            case 't' -> push(new PyTuple(popMark()));
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark())); // LIST
            case 'a' -> { // APPEND
                Object v = pop();
                list(peek()).add(v);
            }
            case 'e' -> { // APPENDS
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case '}' -> push(new LinkedHashMap<>());
            case 'd' -> { // DICT
                Map<Object, Object> m = new LinkedHashMap<>();
                putPairs(m, popMark());
                push(m);
            }
            case 's' -> { // SETITEM
                Object v = pop();
                Object k = pop();
                dict(peek()).put(key(k), v);
            }
            case 'u' -> { // SETITEMS
                List<Object> items = popMark();
                putPairs(dict(peek()), items);
            }
            case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
            case 0x90 -> { // ADDITEMS
                List<Object> items = popMark();
                set(peek()).addAll(items);
            }
            case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark()))); // FROZENSET
            case 'q' -> memo.put((long) u8(), peek()); // BINPUT
            case 'r' -> memo.put(i32() & 0xffffffffL, peek()); // LONG_BINPUT
            case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
            case 'h' -> push(memoGet(u8())); // BINGET
            case 'j' -> push(memoGet(i32() & 0xffffffffL)); // LONG_BINGET
            case 'c' -> push(global(line(), line())); // GLOBAL
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw error("STACK_GLOBAL needs two strings");
                }
                push(global(m, n));
            }
            case 'R', 0x81 -> { // REDUCE, NEWOBJ (cls.__new__(cls, *args) for the classes we allow)
                Object args = pop();
                Object fn = pop();
                push(call(fn, args));
            }
            case 'b' -> { // BUILD: obj.__setstate__(state); the state is dropped (see class comment)
                pop();
                peek();
            }
            case 'Q' -> push(persistentLoad.apply(pop())); // BINPERSID
            default -> throw error(String.format("unsupported pickle opcode 0x%02x", op));
        }
        return false;
    }

    private Object call(Object fn, Object args) {
        if (!(fn instanceof PyGlobal g)) throw error("cannot call a " + typeName(fn));
        if (!(args instanceof PyTuple t)) throw error("arguments of " + g + " are not a tuple");
        PyCallable c = callables.get(g.qualified());
        if (c == null) throw error("'" + g + "' cannot be called here");
        return c.call(t);
    }

    private PyGlobal global(String module, String name) {
        String q = module + "." + name;
        if (!callables.containsKey(q) && !values.contains(q)) {
            throw error("refusing global '" + q + "': only PyTorch tensor and state-dict classes are allowed "
                    + "(loading other globals could run arbitrary code)");
        }
        return new PyGlobal(module, name);
    }

    private static void putPairs(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) throw new IllegalArgumentException("odd number of items for a dict");
        for (int i = 0; i < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
    }

    private static Object key(Object k) {
        if (k instanceof List<?> || k instanceof Map<?, ?>) throw new IllegalArgumentException("unhashable dict key");
        return k;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw new IllegalArgumentException("expected a list, found " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw new IllegalArgumentException("expected a dict, found " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> set(Object o) {
        if (o instanceof LinkedHashSet<?> s) return (Set<Object>) s;
        throw new IllegalArgumentException("expected a set, found " + typeName(o));
    }

    static String typeName(Object o) {
        if (o == null) return "None";
        if (o instanceof PyTuple) return "tuple";
        if (o instanceof List<?>) return "list";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof String) return "str";
        if (o instanceof Long || o instanceof BigInteger) return "int";
        return o.getClass().getSimpleName();
    }

    private Object memoGet(long id) {
        if (!memo.containsKey(id)) throw error("memo entry " + id + " used before it was stored");
        return memo.get(id);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) throw error("stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) throw error("stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() - n < floor) throw error("stack underflow");
        List<Object> sub = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw error("no MARK on the stack");
        int m = marks.remove(marks.size() - 1);
        List<Object> sub = stack.subList(m, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    // ---- byte reading ----

    private void need(long n) {
        if (n > in.length - pos) throw error("truncated pickle: needs " + n + " more bytes, " + (in.length - pos)
                + " left");
    }

    private int u8() {
        need(1);
        return in[pos++] & 0xff;
    }

    private int u16() {
        return u8() | (u8() << 8);
    }

    private int i32() {
        return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
    }

    private long i64() {
        return (i32() & 0xffffffffL) | ((long) i32() << 32);
    }

    private int checkedLen(long n) {
        if (n < 0) throw error("negative length " + n);
        need(n);
        return (int) n;
    }

    private void skip(int n) {
        need(n);
        pos += n;
    }

    private byte[] bytes(int n) {
        need(n);
        byte[] b = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return b;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** Little-endian two's complement integer of n bytes (LONG1/LONG4). */
    private Object longN(int n) {
        byte[] le = bytes(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() {
        int start = pos;
        while (true) {
            need(1);
            if (in[pos++] == '\n') break;
        }
        return new String(in, start, pos - 1 - start, StandardCharsets.UTF_8);
    }

    private Object textInt() {
        String s = line();
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("bad INT literal '" + s + "'");
        }
    }

    private UserError error(String what) {
        return new UserError(file + ": " + entry + " (byte " + opStart + "): " + what);
    }
}
