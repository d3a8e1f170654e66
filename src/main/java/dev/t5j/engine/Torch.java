package dev.t5j.engine;

import java.io.IOException;
import java.util.Locale;
import dev.t5j.common.UserError;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * The one place that brings up libtorch: native loading, thread count, seeding and device choice.
 *
 * <p>Contract: call {@link #init()} (or any method here) before touching any {@code org.bytedeco.pytorch} class.
 * It is idempotent and thread-safe. Everything else in t5j reaches torch only after this has run.
 *
 * <p>Known traps of libtorch through JavaCPP, each handled here or checked by a test:
 * <ol>
 *   <li>The natives must be extracted with {@code Loader.cacheResources} before the first class loads, or the first
 *       JVM on an empty cache crashes ({@code TorchTest}).</li>
 *   <li>Every Tensor owns native memory: each step runs in a {@code PointerScope}, and native memory must stay flat
 *       over many steps ({@code NativeMemoryTest}, {@code RetrieverNativeMemoryTest}, through
 *       {@code NativeMemoryProbe}).</li>
 *   <li>Thread counts are set explicitly, libtorch's and OpenBLAS's together ({@link #setThreads}).</li>
 *   <li>OpenBLAS's idle workers spin and starve libtorch's threads: {@code OPENBLAS_THREAD_TIMEOUT=4}, set by
 *       {@code bin/native-env.sh} before the JVM starts.</li>
 * </ol>
 */
public final class Torch {
    private static volatile boolean initialized;
    private static int threads;
    private static Device device;

    private Torch() {}

    /** Loads the natives with the default thread count ({@code T5J_THREADS}, else all available processors). */
    public static void init() {
        if (initialized) return;
        init(defaultThreads());
    }

    /** Loads the natives (first call only) and sets the intra-op thread count. */
    public static synchronized void init(int numThreads) {
        if (!initialized) {
            turnOffPerAllocationMemoryCheck();
            // The first JVM that extracts the natives into an empty JavaCPP cache crashes in pthread_mutex_lock
            // unless the whole resource folder is cached before the torch class initializer runs.
            try {
                Loader.cacheResources(org.bytedeco.pytorch.presets.torch.class,
                        "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
            } catch (IOException e) {
                throw new IllegalStateException("could not extract libtorch natives into the JavaCPP cache: "
                        + e.getMessage(), e);
            }
            Loader.load(torch.class);
            initialized = true;
            MachineInfo.warnIfNarrow(System.err);
        }
        setThreads(numThreads);
    }

    /** JavaCPP's property for its native-memory ceiling (it also reads the all-lower-case spelling). */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    /**
     * Sets JavaCPP's {@code maxPhysicalBytes} to 0 unless the user chose a value. Above 0, JavaCPP reads the process's
     * resident size from /proc on every allocation of a native object, and every libtorch call returns a new Tensor:
     * 6 µs per call instead of 2 (measured, one {@code view}), a tenth of a batch-1 decoding step. t5j frees its
     * tensors through {@code PointerScope}s, not through the garbage collector this check would trigger. Takes
     * effect only before JavaCPP's {@code Pointer} class initialises, hence first thing in {@link #init(int)}.
     */
    static void turnOffPerAllocationMemoryCheck() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null
                && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT)) == null)
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
    }

    /**
     * Sets the intra-op thread count of libtorch and of the OpenBLAS it calls for matrix products. OpenBLAS keeps its
     * own pool (all cores by default) whose idle workers spin: left alone, a 1-thread run still burns two cores and a
     * busy machine slows small steps tenfold.
     */
    public static synchronized void setThreads(int numThreads) {
        if (numThreads < 1)
            throw new UserError("thread count (--threads / train.threads) must be at least 1, got " + numThreads);
        torch.set_num_threads(numThreads);
        openblas_full.openblas_set_num_threads(numThreads);
        threads = numThreads;
    }

    /** OpenBLAS's thread count (for tests and diagnostics). */
    public static int blasThreads() {
        init();
        return openblas_full.openblas_get_num_threads();
    }

    public static int threads() {
        init();
        return threads;
    }

    static int defaultThreads() {
        String env = System.getenv("T5J_THREADS");
        if (env != null && !env.isBlank()) return threadsFromEnv(env);
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The value of {@code T5J_THREADS}: a positive integer, else a user error naming the variable. */
    static int threadsFromEnv(String env) {
        try {
            int n = Integer.parseInt(env.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("environment variable T5J_THREADS='" + env
                + "': must be a positive integer (a thread count) or unset");
    }

    /** Seeds libtorch's global generator (CPU and, when present, CUDA). */
    public static void seed(long seed) {
        init();
        torch.manual_seed(seed);
    }

    public static boolean cudaAvailable() {
        init();
        try {
            return torch.cuda_is_available();
        } catch (Throwable t) { // CPU-only natives carry no CUDA symbols
            return false;
        }
    }

    /** The device new parameters and tensors are placed on: "cpu", "cuda", or "auto" (cuda when present). */
    public static synchronized Device device() {
        init();
        if (device == null) device = Tensors.keepPointer(new Device("cpu")); // process-wide: never scope-owned
        return device;
    }

    public static synchronized void setDevice(String name) {
        setDevice(name, "--device");
    }

    /**
     * Sets the device from a setting named {@code source} in errors ({@code --device}, {@code train.device}): cpu,
     * cuda, cuda:N or auto (cuda when a GPU is visible to a CUDA build of the natives, else cpu).
     */
    public static synchronized void setDevice(String name, String source) {
        init();
        String n = name == null ? "cpu" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("auto")) n = cudaAvailable() ? "cuda" : "cpu";
        if (!n.equals("cpu") && !n.matches("cuda(:\\d+)?"))
            throw new UserError(source + " '" + name + "': unknown device (allowed: cpu, cuda, cuda:N, auto)");
        if (n.startsWith("cuda") && !cudaAvailable())
            throw new UserError(source + " '" + name + "': CUDA is not available (no CUDA build/GPU on this machine: "
                    + "these libtorch natives are CPU-only (build with -Pcuda) or no GPU is visible); use cpu or auto");
        if (n.startsWith("cuda:")) {
            long have = torch.cuda_device_count();
            if (Integer.parseInt(n.substring(5)) >= have)
                throw new UserError(source + " '" + name + "': this machine has " + have + " CUDA device(s)");
        }
        device = Tensors.keepPointer(new Device(n));
    }
}
