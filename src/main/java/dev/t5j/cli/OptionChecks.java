package dev.t5j.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.List;
import java.util.Map;

/**
 * Bounds of the numeric options that many commands share, checked in one place before any command runs, so that
 * {@code --threads 0} or {@code --extra-ids -3} is a one-line user error (exit 2) on every command that has them.
 */
final class OptionChecks {
    private OptionChecks() {}

    /** Option name → smallest allowed value. */
    static final Map<String, Long> MINIMUM = Map.of(
            "--threads", 1L,
            "--extra-ids", 0L,
            "--max-new-tokens", 1L,
            "--num-beams", 1L,
            "--batch-size", 1L,
            "--max-examples", 1L);

    /** The first problem among the matched options of every (sub)command of {@code pr}; null when all are fine. */
    static String firstProblem(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            for (OptionSpec o : p.matchedOptions()) {
                Long min = MINIMUM.get(o.longestName());
                if (min == null) continue;
                Object v = o.getValue();
                for (Object x : v instanceof List<?> l ? l : List.of(v == null ? "" : v)) {
                    if (x instanceof Number n && n.longValue() < min)
                        return o.longestName() + " " + n + ": must be at least " + min;
                }
            }
        }
        return null;
    }
}
