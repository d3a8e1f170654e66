package dev.t5j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bin/openblas-env.sh}, which ./t5j and .ci/run source: which OpenBLAS kernels it names for a CPU's flags and
 * an inherited {@code OPENBLAS_CORETYPE}, and {@link MachineInfo}'s check of the kernels OpenBLAS actually runs.
 */
class OpenblasEnvTest {
    static final String ZEN5 = "fpu sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16 "
            + "avx512_vnni";
    static final String SKYLAKE_SP = "fpu sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl";
    static final String AVX2_ONLY = "fpu sse2 avx avx2 fma";
    /** A CPU with AVX-512 foundation but not the subsets OpenBLAS's SkylakeX kernels use (Knights Landing). */
    static final String KNL = "fpu avx2 fma avx512f avx512cd avx512er avx512pf";

    @TempDir
    Path tmp;

    /** Sources the script under {@code env} and returns OPENBLAS_CORETYPE and T5J_OPENBLAS_REPLACED ("-" = unset). */
    private String[] source(String flags, Map<String, String> env) throws IOException, InterruptedException {
        Path cpuinfo = tmp.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: test\nflags\t\t: " + flags + "\n");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", "source bin/openblas-env.sh; "
                + "echo \"${OPENBLAS_CORETYPE:--} ${T5J_OPENBLAS_REPLACED:--}\""));
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("T5J_OPENBLAS_REPLACED");
        pb.environment().remove("T5J_BLAS_KERNELS");
        pb.environment().put("T5J_CPUINFO", cpuinfo.toString());
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out.split(" ");
    }

    @Test
    void avx512CpusGetTheAvx512KernelsAndAnInheritedNarrowerChoiceIsReplacedAndNamed() throws Exception {
        assertArrayEquals(new String[]{"Cooperlake", "-"}, source(ZEN5, Map.of()));
        assertArrayEquals(new String[]{"SkylakeX", "-"}, source(SKYLAKE_SP, Map.of()));
        assertArrayEquals(new String[]{"Cooperlake", "Haswell"},
                source(ZEN5, Map.of("OPENBLAS_CORETYPE", "Haswell")));
        assertArrayEquals(new String[]{"Cooperlake", "-"}, source(ZEN5, Map.of("OPENBLAS_CORETYPE", "Cooperlake")));
    }

    @Test
    void otherCpusKeepTheEnvironmentsChoiceOrOpenblasOwnDetection() throws Exception {
        assertArrayEquals(new String[]{"-", "-"}, source(AVX2_ONLY, Map.of()));
        assertArrayEquals(new String[]{"Haswell", "-"}, source(AVX2_ONLY, Map.of("OPENBLAS_CORETYPE", "Haswell")));
        assertArrayEquals(new String[]{"-", "-"}, source(KNL, Map.of()));
    }

    @Test
    void theUserCanKeepTheInheritedValueOrNameTheKernels() throws Exception {
        assertArrayEquals(new String[]{"Haswell", "-"},
                source(ZEN5, Map.of("OPENBLAS_CORETYPE", "Haswell", "T5J_BLAS_KERNELS", "inherit")));
        assertArrayEquals(new String[]{"SkylakeX", "-"},
                source(ZEN5, Map.of("OPENBLAS_CORETYPE", "Haswell", "T5J_BLAS_KERNELS", "SkylakeX")));
    }

    /** ./t5j sources the script under {@code set -euo pipefail}: an unreadable cpuinfo must not end the launcher. */
    @Test
    void aMachineWithoutCpuinfoStillStartsUnderTheLaunchersStrictMode() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", "set -euo pipefail; source bin/openblas-env.sh; "
                + "echo \"reached ${OPENBLAS_CORETYPE:--}\""));
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("T5J_BLAS_KERNELS");
        pb.environment().put("T5J_CPUINFO", tmp.resolve("absent").toString());
        Process p = pb.redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals("reached -", out);
    }

    @Test
    void narrowKernelsAreFlaggedOnlyOnAvx512Cpus() {
        assertTrue(MachineInfo.narrowerThanCpu("Haswell", ZEN5));
        assertTrue(MachineInfo.narrowerThanCpu("Zen", SKYLAKE_SP));
        assertFalse(MachineInfo.narrowerThanCpu("Cooperlake", ZEN5));
        assertFalse(MachineInfo.narrowerThanCpu("SkylakeX", SKYLAKE_SP));
        assertFalse(MachineInfo.narrowerThanCpu("Haswell", AVX2_ONLY));
        assertFalse(MachineInfo.narrowerThanCpu("Haswell", KNL));
    }

    @Test
    void benchmarksNameTheFlagsThatDecideTheKernelsInAFixedOrder() {
        assertEquals(List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"),
                MachineInfo.namedFlags(ZEN5 + " amx_bogus"));
        assertEquals(List.of("avx2", "fma"), MachineInfo.namedFlags(AVX2_ONLY));
    }
}
