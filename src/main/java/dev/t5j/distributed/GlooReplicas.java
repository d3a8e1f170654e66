package dev.t5j.distributed;

import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.run.Replicas;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllgatherOptions;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BarrierOptions;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.gloo.Device;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@link Replicas} over libtorch's c10d: rank 0 serves a {@code TCPStore} at the master address, every rank connects
 * to it and builds a {@code ProcessGroupGloo} (CPU tensors; the same backend torch.distributed uses for them), and
 * the collectives are Gloo's. Every wait is bounded by the rendezvous timeout, so a peer that dies or hangs turns into
 * a {@link PeerFailure} on the others instead of a hang.
 *
 * <p>Gradients go in flat buckets (DDP's default cap, 25 MB, {@code bucket_cap_mb}): each bucket is the concatenation
 * of its gradients, all-reduced asynchronously (all buckets in flight at once), then divided by the world size and
 * copied back. c10d's {@code Reducer} (which would overlap the reduction with the backward through autograd hooks)
 * is mapped by the presets but needs a {@code c10d::ProcessGroup} wrapping the backend and autograd-hook plumbing
 * that the Java mapping does not expose cleanly; the flat buckets give the same numbers, without the overlap.
 *
 * <p>Construct with {@link #join(Rendezvous)}; close it at the end of the run.
 */
public final class GlooReplicas implements Replicas, AutoCloseable {
    /** DDP's default bucket size ({@code bucket_cap_mb=25}). */
    static final long BUCKET_BYTES = 25L << 20;
    private static final String PREFIX = "t5j/";

    private final Rendezvous rv;
    private final TCPStore store;
    private final ProcessGroupGloo pg;
    private long gradientReductions;
    private long collectiveNanos;

    private GlooReplicas(Rendezvous rv, TCPStore store, ProcessGroupGloo pg) {
        this.rv = rv;
        this.store = store;
        this.pg = pg;
    }

    /** A collective or the rendezvous failed because a peer is gone, hung or misconfigured. */
    public static final class PeerFailure extends RuntimeException {
        PeerFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Joins the group {@code rv} describes: rank 0 opens the store (a port in use is a {@link UserError}), the others
     * connect to it (an unreachable master is a {@link UserError} after the timeout); every rank checks that all
     * agree on the world size, then the Gloo group connects its pairs.
     */
    public static GlooReplicas join(Rendezvous rv) {
        Torch.init();
        String where = rv.masterAddr() + ":" + rv.masterPort();
        long ms = rv.timeout().toMillis();
        TCPStore store;
        TCPStoreOptions so = new TCPStoreOptions();
        so.port((short) rv.masterPort());
        so.isServer(rv.rank() == 0);
        so.numWorkers(new SizeTPointer(1).put(rv.world()));
        so.waitWorkers(false);
        so.timeout(new Milliseconds(ms));
        so.useLibUV(false);
        try {
            store = new TCPStore(rv.masterAddr(), so);
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (rv.rank() == 0) throw new UserError("rank 0 cannot serve the rendezvous at " + where
                    + ": port in use or address not local (" + firstLine(m) + ")");
            throw new UserError("rank " + rv.rank() + " cannot reach the master at " + where + " within "
                    + rv.timeout().toSeconds() + " s: is rank 0 started and the address/port right? ("
                    + firstLine(m) + ")");
        }
        try {
            agreeOnWorld(store, rv);
            ProcessGroupGloo.Options o = ProcessGroupGloo.Options.create(new Milliseconds(ms));
            GlooDeviceVector devices = new GlooDeviceVector(1);
            devices.put(0, device(rv.masterAddr()));
            o.devices(devices);
            return new GlooReplicas(rv, store, new ProcessGroupGloo(store, rv.rank(), rv.world(), o));
        } catch (RuntimeException e) {
            store.close();
            if (e instanceof UserError) throw e;
            throw new PeerFailure("rank " + rv.rank() + ": the process group did not form within "
                    + rv.timeout().toSeconds() + " s: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Every rank counts itself in under its world size; a rank that was started with another world size (or never
     * starts) leaves the count short, which is reported after the timeout, naming the size each side expected.
     */
    private static void agreeOnWorld(TCPStore store, Rendezvous rv) {
        store.set(PREFIX + "world/" + rv.rank(), bytes(Integer.toString(rv.world())));
        long joined = store.add(PREFIX + "joined/" + rv.world(), 1);
        long deadline = System.nanoTime() + rv.timeout().toNanos();
        while (joined < rv.world()) {
            if (System.nanoTime() > deadline) {
                throw new UserError("rank " + rv.rank() + ": only " + joined + " of " + rv.world()
                        + " workers joined within " + rv.timeout().toSeconds() + " s (wrong world size, or a "
                        + "worker did not start)");
            }
            if (rv.rank() != 0 && store.check(new StringVector(PREFIX + "world/0"))) {
                String w0 = string(store.get(PREFIX + "world/0"));
                if (!w0.equals(Integer.toString(rv.world()))) throw new UserError("rank " + rv.rank()
                        + " was started with world size " + rv.world() + " but rank 0 with " + w0);
            }
            sleep(20);
            joined = store.add(PREFIX + "joined/" + rv.world(), 0);
        }
    }

    /** Gloo's device: loopback for a local master, else the interface {@code GLOO_SOCKET_IFNAME} names or the host. */
    private static Device device(String masterAddr) {
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        if (ifname != null && !ifname.isBlank()) return ProcessGroupGloo.createDeviceForInterface(ifname.trim());
        try {
            if (InetAddress.getByName(masterAddr).isLoopbackAddress())
                return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new UserError("master address '" + masterAddr + "' does not resolve");
        }
        return ProcessGroupGloo.createDefaultDevice();
    }

    @Override
    public int rank() {
        return rv.rank();
    }

    @Override
    public int world() {
        return rv.world();
    }

    /** Where this group met. */
    public Rendezvous rendezvous() {
        return rv;
    }

    /** Seconds spent inside collectives so far (the communication share of a step, for benchmarks). */
    public double collectiveSeconds() {
        return collectiveNanos / 1e9;
    }

    @Override
    public void allReduceGradients(Collection<Tensor> parameters) {
        gradientReductions++;
        long t0 = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            // a gradient no rank produced (an adapter of a task not drawn this step) stays undefined on every rank:
            // all ranks draw the same task, so they skip the same parameters
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : parameters) {
                Tensor g = p.grad();
                if (g.defined()) grads.add(g);
            }
            List<List<Tensor>> buckets = buckets(grads, BUCKET_BYTES);
            List<Tensor> flats = new ArrayList<>();
            List<Work> works = new ArrayList<>();
            for (List<Tensor> b : buckets) {
                TensorVector parts = new TensorVector();
                for (Tensor g : b) parts.push_back(g.reshape(-1));
                Tensor flat = torch.cat(parts);
                flats.add(flat);
                works.add(pg.allreduce(new TensorVector(flat), new AllreduceOptions()));
            }
            for (int i = 0; i < buckets.size(); i++) {
                await(works.get(i), "gradient all-reduce " + gradientReductions);
                Tensor flat = flats.get(i).div_(new Scalar((double) rv.world()));
                long off = 0;
                for (Tensor g : buckets.get(i)) {
                    long n = g.numel();
                    g.copy_(flat.narrow(0, off, n).view(g.sizes()));
                    off += n;
                }
            }
        } finally {
            collectiveNanos += System.nanoTime() - t0;
        }
    }

    /** Consecutive gradients of one dtype, at most {@code cap} bytes each (a larger gradient is its own bucket). */
    static List<List<Tensor>> buckets(List<Tensor> grads, long cap) {
        List<List<Tensor>> out = new ArrayList<>();
        List<Tensor> cur = new ArrayList<>();
        long bytes = 0;
        for (Tensor g : grads) {
            long nb = g.numel() * g.element_size();
            boolean sameType = cur.isEmpty() || cur.get(0).scalar_type().value == g.scalar_type().value;
            if (!cur.isEmpty() && (bytes + nb > cap || !sameType)) {
                out.add(cur);
                cur = new ArrayList<>();
                bytes = 0;
            }
            cur.add(g);
            bytes += nb;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    @Override
    public void allReduceSum(Tensor t) {
        timed(() -> await(pg.allreduce(new TensorVector(t), new AllreduceOptions()), "all-reduce"));
    }

    @Override
    public List<Tensor> allGather(Tensor t) {
        // one flat output of world × numel (Gloo's allgather_into_tensor), split into per-rank views
        Tensor in = t.contiguous().reshape(-1);
        long n = in.numel();
        Tensor all = in.new_empty(new long[] {rv.world() * n});
        timed(() -> await(pg._allgather_base(all, in, new AllgatherOptions()), "all-gather"));
        List<Tensor> out = new ArrayList<>();
        for (int r = 0; r < rv.world(); r++) out.add(all.narrow(0, r * n, n).view(t.sizes()));
        return out;
    }

    @Override
    public void broadcast(Tensor t, int root) {
        if (root < 0 || root >= rv.world()) throw new IllegalArgumentException("root " + root + " outside the world");
        timed(() -> await(pg.broadcast(new TensorVector(t), new BroadcastOptions().rootRank(root)), "broadcast"));
    }

    @Override
    public void barrier() {
        timed(() -> await(pg.barrier(new BarrierOptions()), "barrier"));
    }

    /**
     * Runs one collective in its own scope: its {@code Work} and arguments are freed as soon as it is done. Left to
     * the garbage collector, a {@code Work} could be destroyed after its process group, which corrupts the native
     * heap (seen as glibc aborts in later tests of the same JVM).
     */
    private void timed(Runnable r) {
        long t0 = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            r.run();
        } finally {
            collectiveNanos += System.nanoTime() - t0;
        }
    }

    /** Waits for {@code w}; a failure (peer closed its connection, timeout) names this rank and the collective. */
    private void await(Work w, String what) {
        try {
            if (!w._wait(new Milliseconds(rv.timeout().toMillis())))
                throw new PeerFailure(failure(what, "timed out after " + rv.timeout().toSeconds() + " s"), null);
        } catch (PeerFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PeerFailure(failure(what, firstLine(e.getMessage())), e);
        }
    }

    private String failure(String what, String why) {
        return String.format(Locale.ROOT, "rank %d of %d: %s failed (%s): a peer died, hung or was stopped",
                rv.rank(), rv.world(), what, why);
    }

    @Override
    public void close() {
        pg.close();
        store.close();
    }

    private static ByteVector bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteVector v = new ByteVector(b.length);
        for (int i = 0; i < b.length; i++) v.put(i, b[i]);
        return v;
    }

    private static String string(ByteVector v) {
        byte[] b = new byte[(int) v.size()];
        for (int i = 0; i < b.length; i++) b[i] = v.get(i);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String firstLine(String m) {
        if (m == null) return "no message";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerFailure("interrupted while waiting for the other workers", e);
        }
    }
}
