package dev.t5j.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One writer per output directory (a run, an index, a data cache): an exclusive OS lock on {@code <dir>/.t5j.lock},
 * held until {@link #close()} or the end of the process. The operating system releases it when the process dies,
 * even by {@code kill -9}, so a lock left by a dead process never blocks anyone: the file may stay, the lock does not.
 * The file holds the holder's pid, which the refusal names.
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = ".t5j.lock";

    /** Lock files held by this process. */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path dir, Path key, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created if missing) or throws a {@link UserError} naming the pid of the process that holds it.
     *
     * @param what what the directory is, for the message ("run directory", "index")
     */
    public static DirectoryLock acquire(Path dir, String what) throws IOException {
        Files.createDirectories(dir);
        return lockFile(dir, dir.toRealPath().resolve(FILE_NAME), what);
    }

    /**
     * Locks an output directory that is built under a temporary sibling name and renamed into place (a data cache,
     * an index): the lock file is the sibling {@code .<name>.t5j.lock}. Holding it proves that temporary siblings
     * {@code .<name>.*} left by earlier writers are dead: they are removed.
     */
    public static DirectoryLock forOutput(Path target, String what) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = Files.createDirectories(abs.getParent()).toRealPath();
        String name = abs.getFileName().toString();
        Path file = parent.resolve("." + name + ".t5j.lock");
        DirectoryLock l = lockFile(target, file, what);
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("." + name + ".")
                    && !p.equals(file)).toList())
                AtomicFiles.deleteRecursively(p);
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    private static DirectoryLock lockFile(Path dir, Path file, String what) throws IOException {
        // POSIX drops a process's lock when it closes any descriptor of the file: never open a second one here
        Path key = file;
        synchronized (HELD) {
            if (!HELD.add(key)) throw inUse(dir, what, String.valueOf(ProcessHandle.current().pid()));
        }
        try {
            return lock(dir, file, key, what);
        } catch (IOException | RuntimeException e) {
            synchronized (HELD) {
                HELD.remove(key);
            }
            throw e;
        }
    }

    private static UserError inUse(Path dir, String what, String pid) {
        return new UserError(dir + ": the " + what + " is in use by another t5j process (pid " + pid
                + "); wait for it to finish or choose another directory");
    }

    private static DirectoryLock lock(Path dir, Path file, Path key, String what) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) { // held by this very process
            l = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            String holder = readPid(ch);
            ch.close();
            throw inUse(dir, what, holder);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new DirectoryLock(dir, key, ch, l);
    }

    private static String readPid(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            int n = ch.read(b, 0);
            String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "unknown" : s;
        } catch (IOException e) {
            return "unknown";
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
            synchronized (HELD) {
                HELD.remove(key);
            }
        }
    }
}
