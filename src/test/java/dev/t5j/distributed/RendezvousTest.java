package dev.t5j.distributed;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendezvousTest {
    static final Duration T = Duration.ofSeconds(5);

    @Test
    void torchrunVariables() {
        Map<String, String> env = Map.of("MASTER_ADDR", "node7", "MASTER_PORT", "1234", "RANK", "3",
                "WORLD_SIZE", "4", "LOCAL_RANK", "1");
        assertTrue(Rendezvous.inEnv(env));
        assertEquals(new Rendezvous("node7", 1234, 3, 4, 1, T), Rendezvous.fromEnv(env, T));
        assertEquals(env, new Rendezvous("node7", 1234, 3, 4, 1, T).toEnv());
    }

    @Test
    void slurmVariablesAsAtlasReadsThem() {
        Map<String, String> env = Map.of("SLURM_PROCID", "5", "SLURM_NTASKS", "8", "SLURM_LOCALID", "1",
                "SLURM_JOB_NODELIST", "gpu[03-06,9]", "MASTER_PORT", "19500");
        assertTrue(Rendezvous.inEnv(env));
        assertEquals(new Rendezvous("gpu03", 19500, 5, 8, 1, T), Rendezvous.fromEnv(env, T));
        assertFalse(Rendezvous.inEnv(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "1")), "one task: no group");
        assertEquals("a1", Rendezvous.firstHost("a1,b[1-2]"));
        assertEquals("n12", Rendezvous.firstHost("n[12]"));
        assertEquals(Rendezvous.DEFAULT_PORT, Rendezvous.fromEnv(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2",
                "SLURM_NODELIST", "x"), T).masterPort());
    }

    @Test
    void badValuesAreUserErrors() {
        assertThrows(UserError.class, () -> Rendezvous.fromEnv(Map.of("RANK", "2", "WORLD_SIZE", "2"), T));
        UserError e = assertThrows(UserError.class, () -> Rendezvous.fromEnv(Map.of("RANK", "x",
                "WORLD_SIZE", "2"), T));
        assertTrue(e.getMessage().contains("RANK"), e.getMessage());
        assertEquals(4, Launcher.threadsPerWorker(8, 2));
        assertEquals(1, Launcher.threadsPerWorker(2, 4));
    }
}
