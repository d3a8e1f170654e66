package dev.t5j.common;

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
}
