package dev.t5j.distributed;

import dev.t5j.common.UserError;
import dev.t5j.run.RunCheckpoints;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts this machine's workers as torchrun does and supervises them: {@code nproc} JVMs (same java, same classpath,
 * same JVM options), each told its rank through torchrun's variables ({@link Rendezvous#toEnv}), with
 * {@code T5J_THREADS} = cores / local workers unless the user set it. When one worker fails (kill -9, an error, a
 * collective that timed out on a hung peer) the others are stopped at once and the launcher names the worker and the
 * run's last checkpoint. Problems it can see before starting anything (a port in use, a bad rank or world size) are
 * {@link UserError}s, so nothing is started and nothing written.
 */
public final class Launcher {
    /**
     * {@code masterPort} null: a free port for a one-machine job, torchrun's 29500 for several machines;
     * {@code runDir}: where the launcher looks for the last checkpoint to name in a failure.
     */
    public record Options(int nproc, int nnodes, int nodeRank, String masterAddr, Integer masterPort,
                          Duration timeout, Path runDir) {
        public Options {
            if (nproc < 1) throw new UserError("--nproc must be at least 1, got " + nproc);
            if (nnodes < 1) throw new UserError("--nnodes must be at least 1, got " + nnodes);
            if (nodeRank < 0 || nodeRank >= nnodes) throw new UserError("--node-rank " + nodeRank
                    + " is outside 0.." + (nnodes - 1) + " (--nnodes " + nnodes + ")");
            if (masterAddr == null || masterAddr.isBlank()) masterAddr = "127.0.0.1";
            if (nnodes > 1 && isLoopback(masterAddr)) throw new UserError("--master-addr " + masterAddr
                    + " is this machine's loopback, but --nnodes is " + nnodes + ": give rank 0's host name or IP");
        }

        public int world() {
            return nproc * nnodes;
        }
    }

    /** Exit status of a worker whose collective failed because of a peer (it names itself, not the peer). */
    public static final int PEER_FAILED = 3;

    /** System property a worker JVM carries its rank in (visible in its command line, for tools and tests). */
    public static final String RANK_PROPERTY = "t5j.rank";

    private final Options o;
    private final PrintStream err;

    public Launcher(Options o, PrintStream err) {
        this.o = o;
        this.err = err;
    }

    /**
     * Starts the workers with {@code mainClass args} and waits for them; returns the exit status for the launcher
     * (0 when all workers succeed; 2 when the first failing worker reported a user error; 1 otherwise).
     */
    public int run(String mainClass, List<String> args) throws IOException, InterruptedException {
        int port = port();
        List<Process> procs = new ArrayList<>();
        Thread hook = new Thread(() -> stopAll(procs));
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C on the launcher stops its workers
        try {
            for (int i = 0; i < o.nproc(); i++) {
                Rendezvous rv = new Rendezvous(o.masterAddr(), port, o.nodeRank() * o.nproc() + i, o.world(), i,
                        o.timeout());
                ProcessBuilder pb = new ProcessBuilder(command(mainClass, args, rv.rank())).inheritIO();
                Map<String, String> env = pb.environment();
                env.putAll(rv.toEnv());
                env.put("T5J_DIST_TIMEOUT", Long.toString(o.timeout().toSeconds()));
                if (System.getenv("T5J_THREADS") == null)
                    env.put("T5J_THREADS", Integer.toString(threadsPerWorker(Runtime.getRuntime()
                            .availableProcessors(), o.nproc())));
                procs.add(pb.start());
            }
            return supervise(procs);
        } finally {
            stopAll(procs);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    /** Cores divided among the local workers, at least one each (torchrun leaves OMP_NUM_THREADS at 1). */
    static int threadsPerWorker(int cores, int localWorkers) {
        return Math.max(1, cores / localWorkers);
    }

    private int supervise(List<Process> procs) throws InterruptedException {
        boolean[] done = new boolean[procs.size()];
        int finished = 0;
        while (finished < procs.size()) {
            for (int i = 0; i < procs.size(); i++) {
                Process p = procs.get(i);
                if (done[i] || p.isAlive()) continue;
                done[i] = true;
                finished++;
                if (p.exitValue() != 0) return failed(procs, i);
            }
            Thread.sleep(50);
        }
        return 0;
    }

    /**
     * Worker {@code first} exited with an error: a moment for the others' errors to surface (a peer of a killed
     * worker fails too, often first), then the culprit is named and the rest are stopped. The culprit: a worker killed
     * by a signal; else, when {@code first} reported a failed collective ({@link #PEER_FAILED}), a worker still running
     * (it never answered: hung or stopped); else {@code first}.
     */
    private int failed(List<Process> procs, int first) throws InterruptedException {
        Thread.sleep(300);
        int culprit = first;
        boolean hung = false;
        for (int i = 0; i < procs.size(); i++)
            if (!procs.get(i).isAlive() && procs.get(i).exitValue() > 128) culprit = i;
        if (culprit == first && procs.get(first).exitValue() == PEER_FAILED) {
            for (int i = 0; i < procs.size() && !hung; i++)
                if (procs.get(i).isAlive()) {
                    culprit = i;
                    hung = true;
                }
        }
        int code = hung ? 0 : procs.get(culprit).exitValue();
        long pid = procs.get(culprit).pid();
        stopAll(procs);
        int rank = o.nodeRank() * o.nproc() + culprit;
        if (code == 2) return 2; // a user error: the worker printed its one line
        String what = hung ? "did not answer its peers within " + o.timeout().toSeconds() + " s (hung or stopped)"
                : code > 128 ? "was killed by signal " + (code - 128) : "exited with status " + code;
        err.println("t5j: error: rank " + rank + " (pid " + pid + ") " + what + "; stopped the other workers. "
                + lastCheckpoint(o.runDir()));
        err.flush();
        return 1;
    }

    /** The sentence naming the run's newest checkpoint and how to continue from it. */
    public static String lastCheckpoint(Path runDir) {
        Path latest = null;
        try {
            latest = runDir == null ? null : new RunCheckpoints(runDir).latest();
        } catch (IOException | RuntimeException e) {
            // an unreadable run directory: say there is no checkpoint to continue from
        }
        return latest == null ? "No checkpoint was written yet (the run starts over)."
                : "Last checkpoint: " + latest + " (continue with --resume and the same number of workers).";
    }

    private static void stopAll(List<Process> procs) {
        for (Process p : procs) if (p.isAlive()) p.destroy();
        for (Process p : procs) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The port workers meet at; on the master's machine it must be free now (else nothing is started). */
    private int port() throws IOException {
        if (o.masterPort() == null && o.nnodes() == 1) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
        int port = o.masterPort() == null ? Rendezvous.DEFAULT_PORT : o.masterPort();
        if (port < 1 || port > 65535) throw new UserError("--master-port must be in 1..65535, got " + port);
        if (o.nodeRank() == 0) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(port));
            } catch (BindException e) {
                throw new UserError("--master-port " + port + ": the port is in use on this machine (rank 0 "
                        + "serves the rendezvous there); choose another");
            }
        }
        return port;
    }

    private static List<String> command(String mainClass, List<String> args, int rank) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) // same heap, same native access
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp") && !a.startsWith("-javaagent"))
                cmd.add(a);
        cmd.add("-D" + RANK_PROPERTY + "=" + rank);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
