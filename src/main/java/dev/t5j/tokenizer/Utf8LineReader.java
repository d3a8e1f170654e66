package dev.t5j.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads '\n'-terminated lines as raw bytes (a trailing '\r' removed) from a stream, with a 1-based line number, so
 * callers can validate UTF-8 themselves and report the exact line. Not thread-safe.
 */
public final class Utf8LineReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos, lim;
    private byte[] line = new byte[1024];
    private int len;
    private long lineNo;
    private boolean eof;

    public Utf8LineReader(InputStream in) {
        this.in = in;
    }

    /** Advances to the next line; false at the end of the input. */
    public boolean next() throws IOException {
        len = 0;
        boolean any = false;
        while (true) {
            if (pos == lim) {
                if (eof) break;
                lim = in.read(buf, 0, buf.length);
                pos = 0;
                if (lim <= 0) {
                    lim = 0;
                    eof = true;
                    break;
                }
            }
            any = true;
            int start = pos;
            while (pos < lim && buf[pos] != '\n') pos++;
            append(start, pos);
            if (pos < lim) { // found the newline
                pos++;
                lineNo++;
                trimCr();
                return true;
            }
        }
        if (!any && len == 0) return false;
        lineNo++;
        trimCr();
        return true;
    }

    private void append(int from, int to) {
        int n = to - from;
        if (len + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
        System.arraycopy(buf, from, line, len, n);
        len += n;
    }

    private void trimCr() {
        if (len > 0 && line[len - 1] == '\r') len--;
    }

    /** The current line's bytes are {@code bytes()[0, length())}; valid until the next call to {@link #next()}. */
    public byte[] bytes() {
        return line;
    }

    public int length() {
        return len;
    }

    public long lineNumber() {
        return lineNo;
    }

    /** Offset of the first invalid UTF-8 byte in the current line, or -1. */
    public int firstInvalidUtf8() {
        return Utf8.firstInvalid(line, 0, len);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
