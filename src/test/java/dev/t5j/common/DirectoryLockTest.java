package dev.t5j.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One writer per directory, between two real processes; kill -9 of the holder frees the directory at once. */
class DirectoryLockTest {
    static Process holder(Path dir, String kind) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldLockMain.class.getName(), dir.toString(), kind)
                .redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertTrue(line != null && line.startsWith("locked"), "child took the lock: " + line);
        return p;
    }

    @Test
    void aSecondProcessIsRefusedNamingTheHolderUntilTheHolderIsKilled(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Process p = holder(run, "run");
        try {
            UserError e = assertThrows(UserError.class, () -> DirectoryLock.acquire(run, "run directory"));
            assertTrue(e.getMessage().contains("pid " + p.pid()) && e.getMessage().contains(run.toString()),
                    e.getMessage());
        } finally {
            p.destroyForcibly().waitFor();
        }
        try (DirectoryLock l = DirectoryLock.acquire(run, "run directory")) {
            assertEquals(String.valueOf(ProcessHandle.current().pid()),
                    Files.readString(run.resolve(DirectoryLock.FILE_NAME)).trim(),
                            "the stale lock file is no obstacle");
            UserError same = assertThrows(UserError.class, () -> DirectoryLock.acquire(run, "run directory"));
            assertTrue(same.getMessage().contains("pid " + ProcessHandle.current().pid()), same.getMessage());
        }
        DirectoryLock.acquire(run, "run directory").close(); // released by close
    }

    @Test
    void anOutputsDeadTemporaryDirectoriesAreRemovedOnlyOnceItsLockIsOurs(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache").resolve("train");
        Process p = holder(cache, "output");
        Path dead = Files.createDirectories(cache.resolveSibling(".train.82731"));
        Files.writeString(dead.resolve("shard-0"), "4 GB of examples");
        Path other = Files.createDirectories(cache.resolveSibling(".validation.1"));
        try {
            UserError e = assertThrows(UserError.class, () -> DirectoryLock.forOutput(cache, "data cache"));
            assertTrue(e.getMessage().contains("pid " + p.pid()), e.getMessage());
            assertTrue(Files.exists(dead), "not removed while its writer may be alive");
        } finally {
            p.destroyForcibly().waitFor();
        }
        try (DirectoryLock l = DirectoryLock.forOutput(cache, "data cache")) {
            assertFalse(Files.exists(dead), "the killed writer's temporary directory is removed");
            assertTrue(Files.exists(other), "another output's is not");
        }
    }
}
