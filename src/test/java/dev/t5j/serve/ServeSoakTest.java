package dev.t5j.serve;

import dev.t5j.api.T5j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 reliability: 300 requests of mixed traffic (plain and streamed generations checked against each prompt's
 * answer alone, the six kinds of bad request with their 4xx, streams whose client hangs up) from 4 concurrent
 * clients; native memory after the warm-up and at the end must stay within a bound. The 10,000-request run is
 * {@code t5j bench serve --soak 10000} (BENCHMARKS.md).
 */
class ServeSoakTest {
    /** A leak of one tensor per request would add hundreds of live pointers over the 270 measured requests. */
    static final long MAX_POINTER_GROWTH = 64;
    /** Resident memory also moves with the Java heap; a leaked encoder output per request is far below this. */
    static final long MAX_RSS_GROWTH = 48L << 20;

    @TempDir
    Path tmp;

    @Test
    void mixedTrafficGetsTheRightAnswersAndNativeMemoryStaysFlat() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ServeSoak.Result r;
        try (T5j t5 = T5j.load(T5jServerTest.tinyTextModel(tmp.resolve("m")))) {
            r = ServeSoak.run(t5, new ServeSoak.Config(300, 4, 6), new PrintStream(buf, true,
                    StandardCharsets.UTF_8));
        }
        String report = buf.toString(StandardCharsets.UTF_8);
        assertEquals(270, r.measured(), report);
        assertEquals(300, r.kinds().values().stream().mapToLong(Long::longValue).sum(), report);
        assertEquals(30, r.kinds().get("bad"), report);
        assertEquals(30, r.kinds().get("hang_up"), report);
        assertEquals(30, r.kinds().get("stream"), report);
        long pointers = r.after().livePointers() - r.before().livePointers();
        assertTrue(pointers <= MAX_POINTER_GROWTH, "live JavaCPP pointers grew by " + pointers + "\n" + report);
        assertTrue(r.rssGrowth() < MAX_RSS_GROWTH, "RSS grew by " + (r.rssGrowth() >> 20) + " MiB\n" + report);
        assertTrue(report.contains("RSS (Pointer.physicalBytes)") && report.contains("per 1,000 requests"), report);
        // a reading after each tenth of the measured requests, the last one the end figure
        assertEquals(ServeSoak.READINGS, r.trace().size(), report);
        assertEquals(r.after(), r.trace().get(ServeSoak.READINGS - 1));
        assertTrue(report.contains("second half") && report.contains("rest: native heap, stacks"), report);
        assertTrue(r.after().heapCommittedBytes() > 0 && r.after().nonHeapCommittedBytes() > 0
                && r.after().threads() > 0, report);
    }
}
