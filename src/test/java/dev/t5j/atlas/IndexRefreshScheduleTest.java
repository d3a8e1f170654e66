package dev.t5j.atlas;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IndexRefreshScheduleTest {
    private static final long P32 = 1L << 32;

    @Test
    void parsesAtlasSyntax() {
        assertEquals(List.of(new IndexRefreshSchedule.Range(0, P32, P32)), IndexRefreshSchedule.parse("-1").ranges());
        assertEquals(List.of(new IndexRefreshSchedule.Range(0, P32, 1000)), IndexRefreshSchedule.parse("1000")
                .ranges());
        assertEquals(List.of(new IndexRefreshSchedule.Range(0, 100, 10), new IndexRefreshSchedule.Range(100, 1000000,
                500)),
                IndexRefreshSchedule.parse("0-100:10,100-1000000:500").ranges());
        assertEquals(List.of(new IndexRefreshSchedule.Range(0, 1000, 500), new IndexRefreshSchedule.Range(1000, 10000,
                2000)),
                IndexRefreshSchedule.parse("0-1000:500,1000-10000:2000").ranges());
        assertEquals(IndexRefreshSchedule.parse("-1"), IndexRefreshSchedule.parse(IndexRefreshSchedule.DEFAULT));
    }

    /** {schedule, step, trainRetriever (1/0), freeze_retriever_steps, expected (1/0)}. */
    @Test
    void refreshTable() {
        Object[][] table = {
                // -1: built at step 0 only
                {"-1", 0, 1, -1, 1}, {"-1", 1, 1, -1, 0}, {"-1", 1000, 1, -1, 0}, {"-1", P32 - 1, 1, -1, 0}, {"-1", 0,
                        0, -1, 1},
                // every N steps, only while the retriever trains (step 0 always)
                {"100", 0, 1, -1, 1}, {"100", 50, 1, -1, 0}, {"100", 100, 1, -1, 1}, {"100", 200, 1, -1, 1},
                {"100", 0, 0, -1, 1}, {"100", 100, 0, -1, 0},
                // ranges: rate counted from the range start, end exclusive, uncovered steps never refresh
                {"0-100:10,100-1000000:500", 0, 1, -1, 1}, {"0-100:10,100-1000000:500", 90, 1, -1, 1},
                {"0-100:10,100-1000000:500", 95, 1, -1, 0}, {"0-100:10,100-1000000:500", 100, 1, -1, 1},
                {"0-100:10,100-1000000:500", 550, 1, -1, 0}, {"0-100:10,100-1000000:500", 600, 1, -1, 1},
                {"0-100:10,100-1000000:500", 1000000, 1, -1, 0},
                {"0-1000:500,1000-10000:2000", 500, 1, -1, 1}, {"0-1000:500,1000-10000:2000", 1000, 1, -1, 1},
                {"0-1000:500,1000-10000:2000", 2000, 1, -1, 0}, {"0-1000:500,1000-10000:2000", 3000, 1, -1, 1},
                {"5-20:5", 5, 1, -1, 1}, {"5-20:5", 0, 1, -1, 0}, {"5-20:5", 3, 1, -1, 0},
                // freeze_retriever_steps: no refresh before it, except step 0
                {"100", 0, 1, 250, 1}, {"100", 100, 1, 250, 0}, {"100", 200, 1, 250, 0}, {"100", 300, 1, 250, 1},
                {"100", 200, 1, 200, 1}, // step == freeze is no longer frozen (step < freeze)
        };
        for (Object[] row : table) {
            IndexRefreshSchedule s = IndexRefreshSchedule.parse((String) row[0]);
            long step = ((Number) row[1]).longValue();
            boolean got = s.isTimeToRefresh(step, ((Number) row[2]).intValue() == 1, ((Number) row[3]).longValue());
            assertEquals(((Number) row[4]).intValue() == 1, got, java.util.Arrays.toString(row));
        }
        assertFalse(IndexRefreshSchedule.parse("0-100:10").covers(100));
        assertTrue(IndexRefreshSchedule.parse("0-100:10").covers(99));
    }

    @Test
    void malformedStringsAreClearErrors() {
        for (String bad : new String[] {"", "abc", "0", "10-5:2", "0-100", "0-100:0", "0-100:10,", "-5", "1-2-3:4",
                "0-x:5", "0-100:-1", "5:10"}) {
            UserError e = assertThrows(UserError.class, () -> IndexRefreshSchedule.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("refresh_index '" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("START-END:RATE"), e.getMessage());
        }
    }
}
