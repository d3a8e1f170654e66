package dev.t5j.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.t5j.common.EnumKeys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The dtype matrix products run in: {@code fp32}, or {@code bf16} mixed precision (bf16 matmuls through libtorch's
 * CPU autocast, fp32 master weights, optimizer state, norms, softmax and loss; see {@link Autocast}). Config key
 * {@code train.dtype}, option {@code --dtype}.
 */
public enum ComputeDtype {
    FP32, BF16;

    /** CPU flags (from /proc/cpuinfo) of bf16 arithmetic units that oneDNN uses: AVX-512 BF16 or AMX. */
    static final List<String> BF16_FLAGS = List.of("avx512_bf16", "amx_bf16");

    private static volatile Boolean cpuBf16;

    @JsonValue
    public String key() {
        return EnumKeys.key(this);
    }

    @JsonCreator
    public static ComputeDtype parse(String s) {
        return EnumKeys.parse(values(), s);
    }

    /**
     * The dtype to run: {@code this}, except bf16 on a CPU without bf16 units (there libtorch emulates bf16 matmuls
     * in fp32 with extra conversions, slower than fp32), which warns on {@code log} and falls back to fp32.
     */
    public ComputeDtype resolve(PrintStream log) {
        return resolve(log, cpuHasBf16());
    }

    /** {@link #resolve(PrintStream)} for a CPU that has ({@code bf16Units}) or lacks bf16 units. */
    ComputeDtype resolve(PrintStream log, boolean bf16Units) {
        if (this != BF16 || bf16Units) return this;
        log.println("t5j: warning: dtype bf16 requested but this CPU has no bf16 units (none of "
                + String.join(", ", BF16_FLAGS) + " in /proc/cpuinfo); running in fp32");
        return FP32;
    }

    /** Whether this CPU has bf16 arithmetic (Linux /proc/cpuinfo flags; false where the file is absent). */
    public static boolean cpuHasBf16() {
        if (cpuBf16 == null) cpuBf16 = hasBf16Flag(readCpuFlags(Path.of("/proc/cpuinfo")));
        return cpuBf16;
    }

    /** The {@code flags} line of a /proc/cpuinfo text (first CPU), or "" when there is none. */
    static String readCpuFlags(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo))
                if (line.startsWith("flags")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: no evidence of bf16 units
        }
        return "";
    }

    static boolean hasBf16Flag(String flags) {
        for (String f : flags.split("\\s+")) if (BF16_FLAGS.contains(f)) return true;
        return false;
    }
}
