package dev.t5j.distributed;

import dev.t5j.common.UserError;

import java.time.Duration;
import java.util.Map;

/**
 * Where a worker meets its peers and who it is: the master's address and port (rank 0 serves c10d's TCPStore there),
 * this worker's global and local rank, the world size and the timeout of the rendezvous and of every collective.
 *
 * <p>{@link #fromEnv} reads the variables torchrun sets ({@code MASTER_ADDR}, {@code MASTER_PORT}, {@code RANK},
 * {@code WORLD_SIZE}, {@code LOCAL_RANK}) and, when those are absent, Slurm's as Atlas's {@code src/slurm.py} reads
 * them ({@code SLURM_PROCID} = rank, {@code SLURM_NTASKS} = world, {@code SLURM_LOCALID} = local rank, the first host
 * of {@code SLURM_JOB_NODELIST}/{@code SLURM_NODELIST} = master).
 */
public record Rendezvous(String masterAddr, int masterPort, int rank, int world, int localRank, Duration timeout) {
    /** torchrun's default master port. */
    public static final int DEFAULT_PORT = 29500;
    /** Default timeout of the rendezvous and of each collective (a hung peer stops the job after this long). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public Rendezvous {
        if (world < 1) throw new UserError("world size must be at least 1, got " + world);
        if (rank < 0 || rank >= world)
            throw new UserError("rank " + rank + " is outside the world of " + world + " workers (0.." + (world - 1)
                    + "): wrong world size?");
        if (masterPort < 1 || masterPort > 65535)
            throw new UserError("master port must be in 1..65535, got " + masterPort);
        if (masterAddr == null || masterAddr.isBlank()) throw new UserError("master address is empty");
        if (timeout.isNegative() || timeout.isZero()) throw new UserError("distributed timeout must be positive");
    }

    /** Whether {@code env} describes a worker of a multi-process run (torchrun's or Slurm's variables). */
    public static boolean inEnv(Map<String, String> env) {
        if (env.containsKey("WORLD_SIZE") && env.containsKey("RANK")) return true;
        return env.containsKey("SLURM_PROCID") && env.containsKey("SLURM_NTASKS")
                && parse(env, "SLURM_NTASKS") > 1;
    }

    /** This worker's rendezvous from torchrun's variables, else Slurm's (see the class comment). */
    public static Rendezvous fromEnv(Map<String, String> env, Duration timeout) {
        if (env.containsKey("WORLD_SIZE") && env.containsKey("RANK")) {
            int rank = parse(env, "RANK");
            return new Rendezvous(env.getOrDefault("MASTER_ADDR", "127.0.0.1"), port(env), rank,
                    parse(env, "WORLD_SIZE"), env.containsKey("LOCAL_RANK") ? parse(env, "LOCAL_RANK") : rank,
                    timeout);
        }
        String nodes = env.getOrDefault("SLURM_JOB_NODELIST", env.get("SLURM_NODELIST"));
        String master = env.containsKey("MASTER_ADDR") ? env.get("MASTER_ADDR")
                : nodes == null ? null : firstHost(nodes);
        if (master == null) throw new UserError("SLURM_PROCID is set but neither MASTER_ADDR nor SLURM_JOB_NODELIST"
                + " names the master");
        int rank = parse(env, "SLURM_PROCID");
        return new Rendezvous(master, port(env), rank, parse(env, "SLURM_NTASKS"),
                env.containsKey("SLURM_LOCALID") ? parse(env, "SLURM_LOCALID") : 0, timeout);
    }

    /**
     * The first host of a Slurm node list ({@code node[03-05,7],gpu1} → {@code node03}), what {@code scontrol show
     * hostnames} prints first; Atlas takes that host as the master.
     */
    static String firstHost(String nodeList) {
        String s = nodeList.trim();
        int comma = s.indexOf(','), bracket = s.indexOf('[');
        if (bracket < 0 || (comma >= 0 && comma < bracket)) return comma < 0 ? s : s.substring(0, comma);
        String prefix = s.substring(0, bracket);
        String first = s.substring(bracket + 1).split("[,\\]]")[0];
        int dash = first.indexOf('-');
        return prefix + (dash < 0 ? first : first.substring(0, dash));
    }

    private static int port(Map<String, String> env) {
        return env.containsKey("MASTER_PORT") ? parse(env, "MASTER_PORT") : DEFAULT_PORT;
    }

    private static int parse(Map<String, String> env, String key) {
        String v = env.get(key);
        try {
            return Integer.parseInt(v.trim());
        } catch (RuntimeException e) {
            throw new UserError("environment variable " + key + ": '" + v + "' is not an integer");
        }
    }

    /** The variables a launcher gives a worker (torchrun's names). */
    public Map<String, String> toEnv() {
        return Map.of("MASTER_ADDR", masterAddr, "MASTER_PORT", Integer.toString(masterPort),
                "RANK", Integer.toString(rank), "WORLD_SIZE", Integer.toString(world),
                "LOCAL_RANK", Integer.toString(localRank));
    }
}
