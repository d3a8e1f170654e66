package dev.t5j.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * Turns the file-system failures a user causes (an output path under a file, onto a directory, in /proc, a full or
 * read-only disk, a permission) into one-line {@link UserError}s naming the path. They are properties of the user's
 * machine and paths, not bugs, so the CLI exits 2 for them without a stack trace.
 */
public final class IoErrors {
    private IoErrors() {}

    /** The user-facing error for the first file-system failure in {@code t}'s cause chain; null when there is none. */
    public static UserError translate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UncheckedIOException u && u.getCause() != null) c = u.getCause();
            String what = describe(c);
            if (what != null) return new UserError(what, c);
        }
        return null;
    }

    static String describe(Throwable c) {
        if (c instanceof ReadOnlyFileSystemException) return "the file system is read-only";
        if (!(c instanceof IOException)) return null;
        String msg = String.valueOf(c.getMessage());
        if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded"))
            return "disk full while writing" + where(c) + " (" + reason(c, msg)
                    + "); t5j writes to a temporary name first, so the previous file or checkpoint is kept";
        if (!(c instanceof FileSystemException fs)) return null;
        String file = fs.getOtherFile() != null ? fs.getOtherFile() : fs.getFile();
        String reason = fs.getReason() == null ? "" : fs.getReason();
        if (file == null) return null;
        Path p = Path.of(file);
        if (c instanceof FileAlreadyExistsException && Files.isRegularFile(p))
            return file + ": is an existing file, but a directory is needed here";
        if (c instanceof FileAlreadyExistsException) return file + ": already exists";
        if (c instanceof NotDirectoryException || reason.contains("Not a directory"))
            return file + ": a parent of this path is a file, not a directory";
        if (c instanceof DirectoryNotEmptyException || reason.contains("Is a directory"))
            return file + ": is a directory; give a file name";
        if (c instanceof AccessDeniedException || reason.contains("Permission denied"))
            return file + ": permission denied";
        if (reason.contains("Read-only file system")) return file + ": the file system is read-only";
        if (c instanceof NoSuchFileException)
            return file + ": no such file or directory (or a folder that cannot be created there)";
        if (!reason.isEmpty()) return file + ": " + reason;
        return null;
    }

    private static String where(Throwable c) {
        if (c instanceof FileSystemException fs && fs.getFile() != null) return " " + fs.getFile();
        return "";
    }

    private static String reason(Throwable c, String msg) {
        return c instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : msg;
    }
}
