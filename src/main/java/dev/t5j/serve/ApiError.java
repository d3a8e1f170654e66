package dev.t5j.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error the server answers with {@code {"error": {"message", "type"}}} and an HTTP status. */
final class ApiError extends RuntimeException {
    final int status;
    final String type;

    ApiError(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    static ApiError invalid(String message) {
        return new ApiError(400, "invalid_request", message);
    }

    /** The JSON body of an error. */
    static Map<String, Object> body(String type, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("type", type);
        return Map.of("error", e);
    }
}
