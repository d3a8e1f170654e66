package dev.t5j.common;

import java.nio.file.Path;

/** Test helper run in a child JVM: takes the lock of a directory (args: dir, "run" or "output"), says so, waits. */
public final class HoldLockMain {
    private HoldLockMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        DirectoryLock lock = args[1].equals("run") ? DirectoryLock.acquire(dir, "run directory")
                : DirectoryLock.forOutput(dir, "data cache");
        System.out.println("locked " + lock.dir());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
