package dev.t5j.atlas;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * Atlas's {@code --refresh_index} schedule ({@code IndexRefreshScheduler}, src/util.py): when training re-embeds the
 * passage corpus with the current retriever.
 *
 * <p>Syntax: {@code "-1"} → {@code [(0, 2^32, 2^32)]} (built at step 0 only); a plain number {@code "N"} →
 * {@code [(0, 2^32, N)]}; otherwise {@code "s-e:r,s-e:r,..."} → {@code (start, end, rate)} ranges, end exclusive.
 */
public record IndexRefreshSchedule(List<Range> ranges) {
    public static final long TWO_POW_32 = 1L << 32;
    /** Atlas's {@code --refresh_index} default in src/options.py. */
    public static final String DEFAULT = "-1";

    public record Range(long start, long end, long rate) {}

    public IndexRefreshSchedule {
        ranges = List.copyOf(ranges);
    }

    /**
     * @throws UserError naming the flag and the bad piece for anything else (also a rate of 0, which Atlas would
     *                   only hit as a division by zero during training)
     */
    public static IndexRefreshSchedule parse(String s) {
        if (s == null) throw new UserError("refresh_index: missing value");
        String str = s.strip();
        if (str.equals("-1")) return new IndexRefreshSchedule(List.of(new Range(0, TWO_POW_32, TWO_POW_32)));
        if (!str.isEmpty() && str.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long rate = number(s, str, "rate");
            if (rate == 0) throw bad(s, "rate 0 (a refresh every 0 steps); use -1 to build the index once");
            return new IndexRefreshSchedule(List.of(new Range(0, TWO_POW_32, rate)));
        }
        List<Range> out = new ArrayList<>();
        for (String piece : str.split(",", -1)) {
            String p = piece.strip();
            String[] sr = p.split(":", -1);
            if (sr.length != 2) throw bad(s, "'" + p + "' is not START-END:RATE");
            String[] se = sr[0].split("-", -1);
            if (se.length != 2) throw bad(s, "'" + p
                    + "' is not START-END:RATE (START and END are non-negative steps)");
            long start = number(s, se[0].strip(), "start"), end = number(s, se[1].strip(), "end"), rate = number(s,
                    sr[1].strip(), "rate");
            if (rate <= 0) throw bad(s, "'" + p + "': rate must be > 0");
            if (end <= start) throw bad(s, "'" + p + "': END must be greater than START");
            out.add(new Range(start, end, rate));
        }
        return new IndexRefreshSchedule(out);
    }

    private static long number(String whole, String x, String what) {
        if (x.isEmpty() || !x.chars().allMatch(c -> c >= '0' && c <= '9')) throw bad(whole, what + " '" + x
                + "' is not a non-negative integer");
        try {
            return Long.parseLong(x);
        } catch (NumberFormatException e) {
            throw bad(whole, what + " '" + x + "' is too large");
        }
    }

    private static UserError bad(String whole, String what) {
        return new UserError("refresh_index '" + whole + "': " + what
                + " (expected -1, N, or START-END:RATE[,START-END:RATE...], e.g. 0-1000:500,1000-10000:2000)");
    }

    /**
     * Atlas's {@code is_time_to_refresh(step)}: false when the retriever is not trained and step != 0; false when
     * step != 0 and {@code step < freezeRetrieverSteps}; otherwise true iff {@code (step - start) % rate == 0} for the
     * first range with {@code start <= step < end}; false for a step no range covers (Atlas logs a warning there, see
     * {@link #covers}).
     */
    public boolean isTimeToRefresh(long step, boolean trainRetriever, long freezeRetrieverSteps) {
        if (!(trainRetriever || step == 0)) return false;
        if (step != 0 && step < freezeRetrieverSteps) return false;
        for (Range r : ranges) {
            if (r.start <= step && step < r.end) return (step - r.start) % r.rate == 0;
        }
        return false;
    }

    /** Whether some range covers {@code step}; a trainer warns once when it does not. */
    public boolean covers(long step) {
        for (Range r : ranges) if (r.start <= step && step < r.end) return true;
        return false;
    }
}
