package dev.t5j.model.io;

import java.util.HashSet;
import dev.t5j.common.UserError;
import dev.t5j.model.io.Unpickler.PyGlobal;
import dev.t5j.model.io.Unpickler.PyTuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch {@code pytorch_model.bin} / {@code .pt} state dict in pure Java, without running any Python.
 *
 * <p>The file ({@code torch.save}, zip format of PyTorch ≥ 1.6) is a zip archive whose single top folder is named
 * after the file ({@code archive/}, {@code pytorch_model/}, ...). It holds {@code data.pkl}, a pickle of the state
 * dict, {@code data/<key>} with each storage's raw little-endian bytes, {@code version} and usually
 * {@code byteorder}. In the pickle each tensor is {@code torch._utils._rebuild_tensor_v2(storage, storage_offset,
 * size, stride, requires_grad, backward_hooks[, metadata])}; the storage is a persistent id
 * {@code ('storage', torch.<Type>Storage, key, location, numel)}. Tensors may share a storage (tied weights), start
 * at an offset into it, and be non-contiguous (e.g. a saved transpose); {@link #get} returns a contiguous copy.
 *
 * <p>Only an allow-list of globals is accepted (see {@link Unpickler}); anything else is refused.
 */
public final class PyTorchBinReader implements TensorSource {
    private static final long MAX_PICKLE = 1L << 30;

    /** Storage classes by the name torch pickles them under, with their element type. */
    static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("torch.FloatStorage", DType.F32),
            Map.entry("torch.DoubleStorage", DType.F64),
            Map.entry("torch.HalfStorage", DType.F16),
            Map.entry("torch.BFloat16Storage", DType.BF16),
            Map.entry("torch.LongStorage", DType.I64),
            Map.entry("torch.IntStorage", DType.I32),
            Map.entry("torch.ShortStorage", DType.I16),
            Map.entry("torch.CharStorage", DType.I8),
            Map.entry("torch.ByteStorage", DType.U8),
            Map.entry("torch.BoolStorage", DType.BOOL),
            Map.entry("torch.UntypedStorage", DType.U8));

    /** Other storage types torch may write: admitted as names so the error can say which tensor has one. */
    private static final Set<String> UNSUPPORTED_STORAGE = Set.of("torch.ComplexFloatStorage",
            "torch.ComplexDoubleStorage", "torch.QInt8Storage", "torch.QUInt8Storage", "torch.QInt32Storage",
            "torch.QUInt4x2Storage", "torch.QUInt2x4Storage");

    /** A storage reference from the pickle: its zip key, element type (null if unsupported) and element count. */
    record StorageRef(String key, DType dtype, String typeName, long numel) {}

    /** A tensor view of a storage, as {@code _rebuild_tensor_v2} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    private record Entry(TensorInfo info, TensorRef ref, ZipEntry zipEntry) {}

    private final Path file;
    private final ZipFile zip;
    private final Map<String, Entry> entries;
    private final List<String> names;

    private PyTorchBinReader(Path file, ZipFile zip, Map<String, Entry> entries) {
        this.file = file;
        this.zip = zip;
        this.entries = entries;
        this.names = List.copyOf(entries.keySet());
    }

    public static PyTorchBinReader open(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": file not found");
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new UserError(file + ": not a zip archive (" + e.getMessage() + "); only the zip format of "
                    + "torch.save (PyTorch >= 1.6) is supported, not the legacy pre-1.6 format");
        } catch (IOException e) {
            throw new UserError(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return new PyTorchBinReader(file, zip, readIndex(file, zip));
        } catch (RuntimeException e) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private static Map<String, Entry> readIndex(Path file, ZipFile zip) {
        String prefix = findPrefix(file, zip);
        ZipEntry bo = zip.getEntry(prefix + "byteorder");
        if (bo != null) {
            String order = new String(readAll(file, zip, bo, 64), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new UserError(file + ": " + bo.getName() + " says '" + order
                        + "'; only little-endian checkpoints are supported");
            }
        }
        ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
        byte[] pickle = readAll(file, zip, pkl, MAX_PICKLE);
        Object root = new Unpickler(pickle, file, pkl.getName(), callables(), valueGlobals(),
                PyTorchBinReader::persistentLoad).load();
        Map<?, ?> dict = stateDict(file, root);
        Map<String, Entry> out = new LinkedHashMap<>();
        for (var e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new UserError(file + ": state dict key " + e.getKey() + " is not a string");
            }
            if (!(e.getValue() instanceof TensorRef ref)) continue; // non-tensor entries (extra state) are skipped
            out.put(name, validate(file, zip, prefix, name, ref));
        }
        return out;
    }

    /** The single top-level folder holding data.pkl; its name follows the saved file's name, so it varies. */
    private static String findPrefix(Path file, ZipFile zip) {
        String found = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String n = en.nextElement().getName();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                if (found != null) throw new UserError(file + ": more than one data.pkl in the archive");
                found = n.substring(0, n.length() - "data.pkl".length());
            } else if (n.equals("data.pkl")) {
                if (found != null) throw new UserError(file + ": more than one data.pkl in the archive");
                found = "";
            }
        }
        if (found == null) {
            throw new UserError(file + ": zip archive without <folder>/data.pkl: not a torch.save checkpoint"
                    + " (TorchScript archives are not supported)");
        }
        return found;
    }

    /** torch.save of a state dict gives the dict itself; some training scripts nest it under "state_dict"/"model". */
    private static Map<?, ?> stateDict(Path file, Object root) {
        if (!(root instanceof Map<?, ?> m)) {
            throw new UserError(file + ": the pickle holds a " + Unpickler.typeName(root) + ", not a state dict");
        }
        boolean hasTensor = m.values().stream().anyMatch(v -> v instanceof TensorRef);
        if (!hasTensor) {
            for (String k : List.of("state_dict", "model")) {
                if (m.get(k) instanceof Map<?, ?> inner && inner.values().stream().anyMatch(v
                        -> v instanceof TensorRef)) {
                    return inner;
                }
            }
        }
        return m;
    }

    private static Map<String, Unpickler.PyCallable> callables() {
        Map<String, Unpickler.PyCallable> c = new HashMap<>();
        c.put("collections.OrderedDict", args -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                for (Object p : pairs) {
                    PyTuple t = (PyTuple) p;
                    m.put(t.get(0), t.get(1));
                }
            } else if (args.size() != 0) {
                throw new IllegalArgumentException("unexpected OrderedDict arguments");
            }
            return m;
        });
        c.put("torch._utils._rebuild_tensor_v2", args -> rebuildTensor(args, 6));
        c.put("torch._utils._rebuild_tensor", args -> rebuildTensor(args, 4));
        c.put("torch._utils._rebuild_parameter", args -> parameterData(args));
        c.put("torch._utils._rebuild_parameter_with_state", args -> parameterData(args));
        c.put("_codecs.encode", args -> {
            // Protocol 2 pickles bytes as _codecs.encode(str, 'latin1').
            if (args.size() < 1
                    || !(args.get(0) instanceof String s)) throw new IllegalArgumentException("bad _codecs.encode");
            String enc = args.size() > 1 ? String.valueOf(args.get(1)) : "utf-8";
            return s.getBytes(enc.equalsIgnoreCase("latin1") || enc.equalsIgnoreCase("latin-1")
                    ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        });
        // Tensor subclasses / tensors with Python state: _rebuild_from_type_v2(func, new_type, args, state).
        c.put("torch._tensor._rebuild_from_type_v2", args -> {
            if (args.size() < 3 || !(args.get(0) instanceof PyGlobal fn) || !(args.get(2) instanceof PyTuple inner)) {
                throw new IllegalArgumentException("bad _rebuild_from_type_v2 arguments");
            }
            Unpickler.PyCallable f = c.get(fn.qualified());
            if (f == null) throw new IllegalArgumentException("'" + fn + "' cannot be called here");
            return f.call(inner);
        });
        return c;
    }

    private static Set<String> valueGlobals() {
        Set<String> s = new HashSet<>(STORAGE_TYPES.keySet());
        s.addAll(UNSUPPORTED_STORAGE);
        s.add("torch.Tensor");
        s.add("torch.nn.parameter.Parameter");
        return s;
    }

    private static Object parameterData(PyTuple args) {
        if (args.size() < 1 || !(args.get(0) instanceof TensorRef t)) {
            throw new IllegalArgumentException("_rebuild_parameter without a tensor");
        }
        return t;
    }

    private static TensorRef rebuildTensor(PyTuple args, int minArgs) {
        if (args.size() < minArgs) throw new IllegalArgumentException("tensor rebuild needs " + minArgs
                + " arguments, got " + args.size());
        if (!(args.get(0) instanceof StorageRef storage)) throw new
                IllegalArgumentException("tensor without a storage");
        long offset = asLong(args.get(1), "storage_offset");
        long[] size = longs(args.get(2), "size");
        long[] stride = longs(args.get(3), "stride");
        if (size.length != stride.length) {
            throw new IllegalArgumentException("size " + Arrays.toString(size) + " and stride "
                    + Arrays.toString(stride)
                    + " differ in rank");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    /** BINPERSID: ('storage', storage_type, key, location, numel). */
    private static Object persistentLoad(Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw new IllegalArgumentException("unsupported persistent id " + pid);
        }
        if (!(t.get(1) instanceof PyGlobal type)) throw new IllegalArgumentException("storage type is not a class");
        if (!(t.get(2) instanceof String key)) throw new IllegalArgumentException("storage key is not a string");
        long numel = asLong(t.get(4), "storage numel");
        return new StorageRef(key, STORAGE_TYPES.get(type.qualified()), type.qualified(), numel);
    }

    private static long asLong(Object o, String what) {
        if (o instanceof Long l && l >= 0) return l;
        throw new IllegalArgumentException(what + " is not a non-negative int: " + o);
    }

    private static long[] longs(Object o, String what) {
        if (!(o instanceof PyTuple t)) throw new IllegalArgumentException(what + " is not a tuple: " + o);
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = asLong(t.get(i), what);
        return out;
    }

    /** Checks dtype, storage entry and bounds at open time so that errors come early and name the tensor. */
    private static Entry validate(Path file, ZipFile zip, String prefix, String name, TensorRef ref) {
        StorageRef s = ref.storage();
        String where = file + ": tensor '" + name + "': ";
        if (s.dtype() == null) {
            throw new UserError(where + "unsupported storage type " + s.typeName() + " (supported: "
                    + String.join(", ", STORAGE_TYPES.keySet().stream().sorted().toList()) + ")");
        }
        ZipEntry ze = zip.getEntry(prefix + "data/" + s.key());
        if (ze == null) throw new UserError(where + "storage entry '" + prefix + "data/" + s.key()
                + "' missing from the archive");
        long storageBytes = Math.multiplyExact(s.numel(), s.dtype().size());
        if (ze.getSize() >= 0 && ze.getSize() < storageBytes) {
            throw new UserError(where + "storage '" + ze.getName() + "' has " + ze.getSize() + " bytes, pickle says "
                    + s.numel() + " x " + s.dtype() + " = " + storageBytes + " (truncated archive?)");
        }
        long numel = RawTensor.numel(ref.size());
        if (numel > 0) {
            long last = ref.offset();
            for (int i = 0; i < ref.size().length; i++) last += (ref.size()[i] - 1) * ref.stride()[i];
            if (last >= s.numel()) {
                throw new UserError(where + "offset " + ref.offset() + ", size " + Arrays.toString(ref.size())
                        + ", stride " + Arrays.toString(ref.stride()) + " reach element " + last + " of a storage of "
                        + s.numel());
            }
        }
        return new Entry(new TensorInfo(name, s.dtype(), ref.size(), file), ref, ze);
    }

    private static byte[] readAll(Path file, ZipFile zip, ZipEntry e, long max) {
        if (e.getSize() > max) throw new UserError(file + ": entry '" + e.getName() + "' is too large (" + e.getSize()
                + " bytes)");
        try (InputStream in = zip.getInputStream(e)) {
            return in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 8));
        } catch (IOException ex) {
            throw new UserError(file + ": cannot read entry '" + e.getName() + "': " + ex.getMessage(), ex);
        }
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public TensorInfo info(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.info();
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.emptyMap();
    }

    /** A contiguous copy of the tensor (strided views are gathered). */
    @Override
    public RawTensor get(String name) {
        Entry e = entries.get(name);
        if (e == null) throw TensorSource.missing(file, name);
        TensorRef ref = e.ref();
        DType dt = e.info().dtype();
        int es = dt.size();
        long numel = RawTensor.numel(ref.size());
        long outBytes = numel * es;
        if (outBytes > Integer.MAX_VALUE - 8) {
            throw new UserError(file + ": tensor '" + name + "' has " + outBytes
                    + " bytes; over 2 GiB is not supported");
        }
        if (numel == 0) return new RawTensor(name, dt, ref.size(), ByteBuffer.allocate(0));
        long last = ref.offset();
        for (int i = 0; i < ref.size().length; i++) last += (ref.size()[i] - 1) * ref.stride()[i];
        long spanBytes = (last - ref.offset() + 1) * es;
        if (spanBytes > Integer.MAX_VALUE - 8) {
            throw new UserError(file + ": tensor '" + name + "' spans " + spanBytes
                    + " bytes of its storage; over 2 GiB is not supported");
        }
        byte[] span;
        try (InputStream in = zip.getInputStream(e.zipEntry())) {
            in.skipNBytes(ref.offset() * es);
            span = in.readNBytes((int) spanBytes);
        } catch (IOException ex) {
            throw new UserError(file + ": tensor '" + name + "': cannot read '" + e.zipEntry().getName() + "': "
                    + ex.getMessage(), ex);
        }
        if (span.length != spanBytes) {
            throw new UserError(file + ": tensor '" + name + "': storage '" + e.zipEntry().getName()
                    + "' ends early (truncated archive)");
        }
        byte[] data = isContiguous(ref.size(), ref.stride()) ? span : gather(span, ref.size(), ref.stride(), es);
        return new RawTensor(name, dt, ref.size(), ByteBuffer.wrap(data));
    }

    /** Row-major contiguous, ignoring the strides of size-1 dimensions (torch does the same). */
    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    /** Copies a strided view (element 0 at span[0]) into row-major order. */
    static byte[] gather(byte[] span, long[] size, long[] stride, int es) {
        int rank = size.length;
        long numel = RawTensor.numel(size);
        byte[] out = new byte[(int) (numel * es)];
        int[] idx = new int[rank];
        long src = 0;
        int inner = rank - 1;
        int innerSize = (int) size[inner];
        long innerStride = stride[inner] * es;
        int o = 0;
        while (true) {
            long p = src * es;
            for (int j = 0; j < innerSize; j++, p += innerStride) {
                System.arraycopy(span, (int) p, out, o, es);
                o += es;
            }
            // Odometer over the outer dimensions.
            int d = inner - 1;
            while (d >= 0) {
                idx[d]++;
                src += stride[d];
                if (idx[d] < size[d]) break;
                src -= stride[d] * size[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) break;
        }
        return out;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    @Override
    public String toString() {
        return "pytorch " + file + " (" + names.size() + " tensors)";
    }
}
