package dev.t5j.engine;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_full;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a benchmark figure depends on, printed at the head of every {@code t5j bench} run: CPU model and the
 * instruction-set flags that decide libtorch's kernels, cores, and which OpenBLAS kernels serve fp32 matrix products
 * (BENCHMARKS.md compares only ratios measured on one machine in one run). Also the check behind the warning when
 * OpenBLAS runs narrower kernels than the CPU has ({@code bin/openblas-env.sh} explains why that happens).
 */
public final class MachineInfo {
    /** Flags worth naming: the vector widths and matrix units libtorch, oneDNN and OpenBLAS dispatch on. */
    static final List<String> FLAGS = List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
            "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8");
    /** What OpenBLAS's SkylakeX/Cooperlake kernels need (bin/openblas-env.sh tests the same five). */
    static final List<String> AVX512 = List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    /** OpenBLAS core names of kernels narrower than AVX-512 on x86-64. */
    static final Set<String> NARROW_CORES = Set.of("haswell", "zen", "sandybridge", "nehalem", "core2", "prescott",
            "barcelona", "bulldozer", "piledriver", "steamroller", "excavator", "atom", "penryn", "dunnington");

    private static volatile boolean warned;

    private MachineInfo() {}

    /** The {@code model name} of the first CPU in /proc/cpuinfo, or "unknown". */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing to name
        }
        return "unknown";
    }

    /** The flags of {@link #FLAGS} this CPU has, in that order. */
    public static List<String> namedFlags() {
        return namedFlags(ComputeDtype.readCpuFlags(Path.of("/proc/cpuinfo")));
    }

    static List<String> namedFlags(String flags) {
        Set<String> have = Set.of(flags.split("\\s+"));
        List<String> out = new ArrayList<>();
        for (String f : FLAGS) if (have.contains(f)) out.add(f);
        return out;
    }

    /** OpenBLAS's kernel set as it reports it (e.g. "Cooperlake", "Haswell"). */
    public static String blasCore() {
        Torch.init();
        return openblas_full.openblas_get_corename().getString();
    }

    /** Whether OpenBLAS runs kernels narrower than AVX-512 on a CPU that has AVX-512. */
    static boolean narrowerThanCpu(String blasCore, String cpuFlags) {
        Set<String> have = Set.of(cpuFlags.split("\\s+"));
        return have.containsAll(AVX512) && NARROW_CORES.contains(blasCore.toLowerCase(Locale.ROOT));
    }

    /** One line: OpenBLAS's kernels and where they came from. */
    public static String blasLine() {
        String core = blasCore();
        String env = System.getenv("OPENBLAS_CORETYPE");
        String replaced = System.getenv("T5J_OPENBLAS_REPLACED");
        StringBuilder b = new StringBuilder("OpenBLAS kernels: " + core);
        if (replaced != null && !replaced.isEmpty())
            b.append(" (./t5j replaced the environment's OPENBLAS_CORETYPE=").append(replaced)
                    .append("; T5J_BLAS_KERNELS=inherit keeps it)");
        else if (env != null && !env.isEmpty()) b.append(" (OPENBLAS_CORETYPE=").append(env).append(')');
        else b.append(" (OpenBLAS's own detection)");
        return b.toString();
    }

    /**
     * One line: the allocator settings a step's speed depends on (bin/native-env.sh): glibc malloc's arena and
     * thresholds, JavaCPP's per-allocation memory check ({@link Torch#turnOffPerAllocationMemoryCheck}) and the JVM's
     * collector.
     */
    public static String memoryLine() {
        Torch.init();
        List<String> beans = new ArrayList<>();
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) beans.add(b.getName());
        return memoryLine(System.getenv("GLIBC_TUNABLES"), Pointer.maxPhysicalBytes()) + ", JVM collector "
                + collector(beans);
    }

    /** The collector named by the JVM's collector beans (G1 with a note: ./t5j picks Parallel, bin/native-env.sh). */
    static String collector(List<String> beanNames) {
        String names = String.join(" ", beanNames);
        if (names.contains("PS Scavenge")) return "Parallel";
        if (names.contains("G1 ")) return "G1 (about 0.5 µs more per libtorch call than Parallel, which ./t5j picks; "
                + "T5J_GC=inherit keeps the JVM's)";
        if (names.contains("MarkSweepCompact")) return "Serial";
        return beanNames.isEmpty() ? "unknown" : beanNames.get(0);
    }

    static String memoryLine(String tunables, long maxPhysicalBytes) {
        List<String> malloc = new ArrayList<>();
        if (tunables != null)
            for (String t : tunables.split(":"))
                if (t.startsWith("glibc.malloc.")) malloc.add(t.substring("glibc.malloc.".length()));
        return "memory: glibc malloc " + (malloc.isEmpty() ? "defaults (mmap/trim thresholds not set: slower steps; "
                + "./t5j sets them, T5J_MALLOC=inherit keeps the environment's)" : String.join(" ", malloc))
                + ", JavaCPP memory check per allocation " + (maxPhysicalBytes > 0 ? "on (maxPhysicalBytes="
                + maxPhysicalBytes + ": about 4 µs more per libtorch call)" : "off");
    }

    /** The header every libtorch benchmark prints: three lines, each ending in a newline. */
    public static String header() {
        return "machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, flags "
                + String.join(" ", namedFlags()) + System.lineSeparator()
                + blasLine() + ", libtorch threads " + Torch.threads() + System.lineSeparator()
                + memoryLine() + System.lineSeparator();
    }

    /** Prints {@link #header()}. */
    public static void print(PrintStream out) {
        out.print(header());
    }

    /**
     * Warns once when OpenBLAS runs narrower kernels than the CPU has (a library user whose environment sets
     * OPENBLAS_CORETYPE=Haswell, as this project's machine image did): on AMD Zen 5 wide fp32 products then ran at
     * half speed; on Zen 4, whose AVX-512 runs on 256-bit units, the AVX2 kernels were as fast (BENCHMARKS.md).
     */
    static void warnIfNarrow(PrintStream err) {
        if (warned) return;
        warned = true;
        String core = openblas_full.openblas_get_corename().getString();
        if (!narrowerThanCpu(core, ComputeDtype.readCpuFlags(Path.of("/proc/cpuinfo")))) return;
        err.println("t5j: warning: OpenBLAS runs its " + core + " kernels on this AVX-512 CPU (OPENBLAS_CORETYPE="
                + System.getenv("OPENBLAS_CORETYPE") + "): fp32 matrix products can run at half speed (AMD Zen 5: "
                + "2048x512->2048 at 77 against 180 GFLOP/s); start the JVM with OPENBLAS_CORETYPE=SkylakeX "
                + "(./t5j does)");
    }
}
