package dev.t5j.engine;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class TorchTest {
    /** The first JVM to extract the natives into an empty JavaCPP cache must not crash ({@link Torch}, trap 1). */
    @Test
    void firstRunAgainstEmptyNativeCacheWorks(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("javacpp-cache");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.bytedeco.javacpp.cachedir=" + cache, TorchSmokeMain.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child JVM timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("result 7.0 10.0 15.0 22.0 threads 1"), out);
        assertTrue(Files.isDirectory(cache), "natives were extracted into the given cache dir");
        // no -D given: Torch turned JavaCPP's per-allocation /proc read off before the Pointer class initialised
        assertTrue(out.contains("maxPhysicalBytes 0"), out);
    }

    /** A value the user gives for JavaCPP's memory ceiling is kept (either spelling JavaCPP reads). */
    @Test
    void aUserChosenJavacppMemoryCeilingIsKept(@TempDir Path tmp) throws Exception {
        for (String property : new String[]{"maxPhysicalBytes", "maxphysicalbytes"}) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "-Dorg.bytedeco.javacpp." + property + "=3g", TorchSmokeMain.class.getName()))
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child JVM timed out");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("maxPhysicalBytes " + (3L << 30)), out);
        }
    }

    @Test
    void threadCountIsSetExplicitly() {
        Torch.init();
        int before = Torch.threads();
        Torch.setThreads(1);
        assertEquals(1, org.bytedeco.pytorch.global.torch.get_num_threads());
        assertEquals(1, Torch.blasThreads(), "OpenBLAS follows the torch thread count");
        Torch.setThreads(before);
        assertEquals(before, org.bytedeco.pytorch.global.torch.get_num_threads());
        assertThrows(UserError.class, () -> Torch.setThreads(0));
    }

    @Test
    void badT5jThreadsIsAUserErrorNamingTheVariable() {
        assertEquals(3, Torch.threadsFromEnv(" 3 "));
        for (String bad : new String[] {"abc", "0", "-2", "1.5"}) {
            UserError e = assertThrows(UserError.class, () -> Torch.threadsFromEnv(bad));
            assertTrue(e.getMessage().contains("T5J_THREADS='" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void deviceChoice() {
        Torch.setDevice("cpu");
        assertTrue(Torch.device().is_cpu());
        if (!Torch.cudaAvailable()) assertThrows(UserError.class, () -> Torch.setDevice("cuda"));
        assertThrows(UserError.class, () -> Torch.setDevice("tpu"));
        Torch.setDevice("auto");
        assertEquals(Torch.cudaAvailable(), !Torch.device().is_cpu());
        Torch.setDevice("cpu");
    }
}
