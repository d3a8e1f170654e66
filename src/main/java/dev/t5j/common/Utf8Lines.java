package dev.t5j.common;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a UTF-8 text file line by line and reports a byte sequence that is not UTF-8 at its own line and byte
 * (a {@code BufferedReader} decodes ahead in 8 KB blocks, so its error names no line, or the wrong one).
 * Line ends: {@code \n}, {@code \r\n} (as {@code BufferedReader.readLine}, minus a lone {@code \r}).
 */
public final class Utf8Lines implements Closeable {
    private final Path file;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[256];
    private long lineNo;

    public Utf8Lines(Path file) {
        this.file = file;
        try {
            this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (IOException e) {
            throw e instanceof NoSuchFileException ? new UserError(file + ": file not found")
                    : new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** 1-based number of the line last returned. */
    public long lineNumber() {
        return lineNo;
    }

    /** The next line without its line end; null at the end of the file. */
    public String readLine() {
        int n = 0;
        try {
            int b = in.read();
            if (b < 0) return null;
            while (b >= 0 && b != '\n') {
                if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
                buf[n++] = (byte) b;
                b = in.read();
            }
        } catch (IOException e) {
            throw UserError.unreadable(file, lineNo, e);
        }
        lineNo++;
        if (n > 0 && buf[n - 1] == '\r') n--;
        ByteBuffer bytes = ByteBuffer.wrap(buf, 0, n);
        CharBuffer chars = CharBuffer.allocate(n);
        decoder.reset();
        CoderResult r = decoder.decode(bytes, chars, true);
        if (r.isError()) {
            int at = bytes.position();
            throw UserError.at(file, lineNo, null, "not UTF-8 text (byte " + (at + 1) + " of the line, 0x"
                    + String.format("%02X", buf[at] & 0xFF) + ", is not valid UTF-8)");
        }
        decoder.flush(chars);
        return chars.flip().toString();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
