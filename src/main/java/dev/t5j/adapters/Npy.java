package dev.t5j.adapters;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One-dimensional little-endian float32 NumPy {@code .npy} files (ruse stores task embeddings as {@code {task}.npy}).
* */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),?\\)");

    private Npy() {}

    static void writeFloats(Path file, float[] v) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + v.length + ",), }";
        int total = MAGIC.length + 4 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 4 * v.length).order(
                ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float f : v) b.putFloat(f);
        AtomicFiles.writeBytes(file, b.array());
    }

    static float[] readFloats(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            for (byte m : MAGIC) if (b.get() != m) throw new UserError(file + ": not a .npy file");
            int major = b.get();
            b.get();
            int len = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
            byte[] h = new byte[len];
            b.get(h);
            String header = new String(h, StandardCharsets.US_ASCII);
            if (!header.contains("'descr': '<f4'") || header.contains("'fortran_order': True"))
                throw new UserError(file + ": header: expected a little-endian float32 ('<f4') C-order array, got "
                        + header.trim());
            Matcher m = SHAPE.matcher(header);
            if (!m.find()) throw new UserError(file + ": header 'shape': expected a one-dimensional array, got "
                    + header.trim());
            float[] v = new float[Integer.parseInt(m.group(1))];
            for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
            return v;
        } catch (IOException | BufferUnderflowException e) {
            throw new UserError(file + ": cannot read .npy: " + e);
        }
    }
}
