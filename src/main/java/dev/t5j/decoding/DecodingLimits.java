package dev.t5j.decoding;

import dev.t5j.common.UserError;
import dev.t5j.model.T5Config;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The up-front check of a decoding length. T5's relative positions set no hard limit, so what bounds
 * {@code max_new_tokens} is memory: each generated token adds keys and values to every decoder layer's self-attention
 * cache, for every row (input × beam). A length whose cache could never fit in this machine's memory is refused before
 * any work, instead of ending in an OutOfMemoryError (or a libtorch allocation failure) hours later.
 */
public final class DecodingLimits {
    private DecodingLimits() {}

    /** Bytes the self-attention key/value cache needs per generated token and row (fp32, as t5j decodes). */
    public static long cacheBytesPerToken(T5Config c) {
        return 2L * c.numDecoderLayers() * c.numHeads() * c.dKv() * Float.BYTES;
    }

    /** This machine's physical memory in bytes; the JVM's maximum heap when the OS does not say. */
    public static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            if (total > 0) return total;
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Refuses {@code maxNewTokens} when decoding {@code rows} sequences (inputs × beams) that long would need more
     * memory than the machine has, naming the setting, the estimate and the largest length that fits.
     */
    public static void check(T5Config c, long rows, int maxNewTokens) {
        check(c, rows, maxNewTokens, physicalMemory());
    }

    static void check(T5Config c, long rows, int maxNewTokens, long memoryBytes) {
        if (maxNewTokens < 1) throw new UserError("max new tokens must be at least 1, got " + maxNewTokens);
        // output ids (4 bytes per token in Java) come on top of the cache
        double perToken = (double) rows * (cacheBytesPerToken(c) + Integer.BYTES);
        double need = perToken * maxNewTokens;
        if (need <= memoryBytes) return;
        long fits = (long) Math.max(1, Math.floor(memoryBytes / perToken));
        throw new UserError(String.format(Locale.ROOT, "max new tokens (--max-new-tokens / eval.max_new_tokens) %d: "
                        + "decoding %d sequence(s) that long needs about %s for the decoder's key/value cache, "
                        + "more than this machine's %s of memory; at most %d tokens fit", maxNewTokens, rows, gb(need),
                gb(memoryBytes), fits));
    }

    private static String gb(double bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
