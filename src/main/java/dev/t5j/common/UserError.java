package dev.t5j.common;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An error caused by the user's input (a file, a flag, a config value), not by a bug in t5j.
 *
 * <p>The CLI prints its message alone, without a stack trace, and exits with status 2. Messages name what is wrong
 * and where: the file, the line (1-based) or byte offset, and the field, whenever those are known.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /** "FILE:LINE: field 'F': what" — the common shape for errors inside line-oriented files. */
    public static UserError at(Path file, long line, String field, String what) {
        StringBuilder sb = new StringBuilder();
        sb.append(file);
        if (line > 0) sb.append(':').append(line);
        sb.append(": ");
        if (field != null) sb.append("field '").append(field).append("': ");
        sb.append(what);
        return new UserError(sb.toString());
    }

    /** "FILE (byte OFFSET): what" — for binary files. */
    public static UserError atByte(Path file, long offset, String what) {
        return new UserError(file + " (byte " + offset + "): " + what);
    }

    /**
     * A read failure of a text file after {@code linesRead} good lines: "FILE:LINE: not UTF-8 text" for a bad byte
     * sequence (the Java reader reports no position, only the line it stopped in), else "FILE: cannot read: why".
     */
    public static UserError unreadable(Path file, long linesRead, IOException e) {
        if (e instanceof CharacterCodingException)
            return at(file, linesRead + 1, null,
                    "not UTF-8 text (this line holds a byte sequence that is not valid UTF-8)");
        if (e instanceof NoSuchFileException) return new UserError(file + ": file not found");
        return new UserError(file + ": cannot read: " + e.getMessage(), e);
    }
}
