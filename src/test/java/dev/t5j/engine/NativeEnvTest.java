package dev.t5j.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bin/native-env.sh}, which ./t5j and .ci/run source: the spin and malloc settings it exports, the JVM
 * collector it picks for ./t5j, what it keeps from the environment, and the {@link MachineInfo#memoryLine}
 * benchmarks print about them.
 */
class NativeEnvTest {
    static final String THRESHOLDS = "glibc.malloc.mmap_threshold=2147483647:glibc.malloc.trim_threshold=17179869184";
    static final String MALLOC = "glibc.malloc.arena_max=1:" + THRESHOLDS;

    /** Sources the script under {@code set -euo pipefail} (as ./t5j does) and prints the named variables. */
    private static List<String> source(Map<String, String> env, String... names)
            throws IOException, InterruptedException {
        return sourceWith("", env, names);
    }

    /** {@link #source} with the launcher's arguments ({@code ./t5j} passes its own). */
    private static List<String> sourceWith(String args, Map<String, String> env, String... names)
            throws IOException, InterruptedException {
        StringBuilder echo = new StringBuilder("set -euo pipefail; source bin/native-env.sh " + args);
        for (String n : names) echo.append("; echo \"${").append(n).append(":--}\"");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", echo.toString()));
        for (String n : List.of("GLIBC_TUNABLES", "T5J_MALLOC", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT", "T5J_GC",
                "T5J_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"))
            pb.environment().remove(n);
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void mallocKeepsItsPagesAndSpinIsShortByDefault() throws Exception {
        assertEquals(List.of(MALLOC, "10000", "4"),
                source(Map.of(), "GLIBC_TUNABLES", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT"));
    }

    @Test
    void otherTunablesAreKeptAndTheThresholdsAppended() throws Exception {
        assertEquals(List.of("glibc.rtld.optional_static_tls=2048:" + MALLOC),
                source(Map.of("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=2048"), "GLIBC_TUNABLES"));
    }

    @Test
    void theEnvironmentsOwnChoicesWin() throws Exception {
        assertEquals(List.of("glibc.malloc.trim_threshold=1:glibc.malloc.arena_max=1"),
                source(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1"), "GLIBC_TUNABLES"));
        assertEquals(List.of("glibc.malloc.mmap_threshold=65536:glibc.malloc.arena_max=1"),
                source(Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536"), "GLIBC_TUNABLES"));
        assertEquals(List.of("glibc.malloc.arena_max=2:" + THRESHOLDS),
                source(Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2"), "GLIBC_TUNABLES"));
        assertEquals(List.of("-"), source(Map.of("T5J_MALLOC", "inherit"), "GLIBC_TUNABLES"));
        assertEquals(List.of("300000", "100"), source(Map.of("GOMP_SPINCOUNT", "300000",
                "OPENBLAS_THREAD_TIMEOUT", "100"), "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT"));
    }

    @Test
    void serversKeepPerThreadArenasAndGiveBackTheirHeapTop() throws Exception {
        String serving = "glibc.malloc.mmap_threshold=2147483647:glibc.malloc.trim_threshold=268435456";
        assertEquals(List.of(serving), sourceWith("serve --model m", Map.of(), "GLIBC_TUNABLES"));
        assertEquals(List.of(serving), sourceWith("bench serve --model m", Map.of(), "GLIBC_TUNABLES"));
        assertEquals(List.of(MALLOC), sourceWith("bench model --dtype bf16", Map.of(), "GLIBC_TUNABLES"));
        assertEquals(List.of(MALLOC), sourceWith("train --config c.json", Map.of(), "GLIBC_TUNABLES"));
        assertEquals(List.of("glibc.malloc.trim_threshold=1"),
                sourceWith("serve", Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1"), "GLIBC_TUNABLES"));
    }

    /**
     * The reason for one arena: the JVM's main thread is not the process's first, so without it glibc serves its
     * 80 MiB block from a fresh mapping every round, thresholds or not (a training step faulted ~43,000 pages).
     */
    @Test
    void largeBlocksKeepTheirPagesOnTheJvmsMainThread() throws Exception {
        long kept = freshPagesPerRound(MALLOC);
        assertTrue(kept < 1_000, kept + " fresh pages a round"); // 96 MiB would be 24,576
        long fresh = freshPagesPerRound(THRESHOLDS);
        assertTrue(fresh > 10_000, fresh + ": the measure sees the faults it guards against");
    }

    private static long freshPagesPerRound(String tunables) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                FreshPagesMain.class.getName()));
        pb.environment().put("GLIBC_TUNABLES", tunables);
        Process p = pb.redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        String last = out.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("faults per round "), out);
        return Long.parseLong(last.substring("faults per round ".length()));
    }

    @Test
    void theOpenblasKernelChoiceIsStillMade() throws Exception {
        // native-env.sh sources openblas-env.sh (OpenblasEnvTest covers its choices); an explicit name passes through
        assertEquals(List.of("SkylakeX"), source(Map.of("T5J_BLAS_KERNELS", "SkylakeX"), "OPENBLAS_CORETYPE"));
    }

    @Test
    void theLauncherPicksTheParallelCollectorUnlessOneIsNamed() throws Exception {
        assertEquals(List.of("-XX:+UseParallelGC"), source(Map.of(), "T5J_GC_OPTS"));
        assertEquals(List.of("-XX:+UseParallelGC"), source(Map.of("T5J_JAVA_OPTS", "-Xmx2g -XX:+PrintGCDetails"),
                "T5J_GC_OPTS"));
        assertEquals(List.of("-"), source(Map.of("T5J_JAVA_OPTS", "-Xmx2g -XX:+UseZGC"), "T5J_GC_OPTS"));
        assertEquals(List.of("-"), source(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC"), "T5J_GC_OPTS"));
        assertEquals(List.of("-"), source(Map.of("T5J_GC", "inherit"), "T5J_GC_OPTS"));
    }

    @Test
    void benchmarksNameTheCollector() {
        assertEquals("Parallel", MachineInfo.collector(List.of("PS Scavenge", "PS MarkSweep")));
        assertEquals("Serial", MachineInfo.collector(List.of("Copy", "MarkSweepCompact")));
        assertTrue(MachineInfo.collector(List.of("G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation"))
                .startsWith("G1 (about 0.5 µs more per libtorch call"));
        assertEquals("ZGC Cycles", MachineInfo.collector(List.of("ZGC Cycles", "ZGC Pauses")));
        assertTrue(MachineInfo.memoryLine().contains(", JVM collector "), MachineInfo.memoryLine());
    }

    @Test
    void benchmarksNameTheAllocatorSettings() {
        String set = MachineInfo.memoryLine("glibc.rtld.x=1:" + MALLOC, 0);
        assertTrue(set.contains("glibc malloc arena_max=1 mmap_threshold=2147483647 trim_threshold=17179869184"), set);
        assertTrue(set.endsWith("JavaCPP memory check per allocation off"), set);
        String unset = MachineInfo.memoryLine(null, 1L << 33);
        assertTrue(unset.contains("glibc malloc defaults"), unset);
        assertTrue(unset.contains("on (maxPhysicalBytes=8589934592"), unset);
        assertTrue(MachineInfo.header().lines().anyMatch(l -> l.startsWith("memory: ")), MachineInfo.header());
    }
}
