package dev.t5j.data;

import dev.t5j.common.UserError;

/**
 * A problem with one input example (malformed line, missing or mistyped field). The pipeline stops on it by
 * default, or skips and counts it when bad lines are to be skipped ({@code --skip-bad-lines}).
 */
public final class BadExampleError extends UserError {
    private final Example.Origin origin;
    private final String field;
    private final String what;

    public BadExampleError(Example.Origin origin, String field, String what) {
        super(format(origin, field, what));
        this.origin = origin;
        this.field = field;
        this.what = what;
    }

    private static String format(Example.Origin origin, String field, String what) {
        StringBuilder sb = new StringBuilder(origin.toString()).append(": ");
        if (field != null) sb.append("field '").append(field).append("': ");
        return sb.append(what).toString();
    }

    public Example.Origin origin() {
        return origin;
    }

    public String field() {
        return field;
    }

    public String what() {
        return what;
    }

    /** The message the CLI shows when the run stops on this example. */
    public UserError stopping() {
        return new UserError(getMessage() + " (stopping; pass --skip-bad-lines to skip and count bad lines)", this);
    }
}
