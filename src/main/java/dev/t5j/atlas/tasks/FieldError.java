package dev.t5j.atlas.tasks;

import dev.t5j.common.UserError;

/**
 * A task example lacks a field or holds a value of the wrong type. Thrown by {@link AtlasTask#process}, which sees
 * one JSON object and no file; {@link AtlasData} turns it into a {@link UserError} naming file, line
 * and field.
 */
public final class FieldError extends IllegalArgumentException {
    private final String field;

    public FieldError(String field, String what) {
        super("field '" + field + "': " + what);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The problem without the field prefix. */
    public String what() {
        String m = getMessage();
        return m.substring(m.indexOf("': ") + 3);
    }
}
