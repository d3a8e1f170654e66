package dev.t5j.serve;

import dev.t5j.common.UserError;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How {@code t5j serve} runs.
 *
 * @param host           interface to bind; anything but loopback needs {@code apiKey}
 * @param port           0 = an ephemeral port
 * @param apiKey         bearer token every {@code /v1} and {@code /metrics} request must carry; null = none
 * @param maxBodyBytes   request bodies above this are refused (413)
 * @param maxInputTokens an input above this many tokens (EOS included) is refused (400)
 * @param maxNewTokens   largest {@code max_new_tokens} a request may ask for (400 above)
 * @param maxBatch       sequences decoded together at most
 * @param queueCapacity  requests waiting to join the batch at most (429 above)
 * @param timeoutMs      default per-request deadline; a request may ask for less ({@code timeout_ms})
 */
public record ServeConfig(String host, int port, String apiKey, long maxBodyBytes, int maxInputTokens,
                          int maxNewTokens, int maxBatch, int queueCapacity, long timeoutMs) {
    public ServeConfig {
        if (port < 0 || port > 65535) throw new UserError("--port must be in [0, 65535], got " + port);
        if (maxBodyBytes < 1) throw new UserError("--max-body-bytes must be >= 1, got " + maxBodyBytes);
        if (maxInputTokens < 1) throw new UserError("--max-input-tokens must be >= 1, got " + maxInputTokens);
        if (maxNewTokens < 1) throw new UserError("--max-new-tokens-limit must be >= 1, got " + maxNewTokens);
        if (maxBatch < 1) throw new UserError("--max-batch must be >= 1, got " + maxBatch);
        if (queueCapacity < 1) throw new UserError("--queue must be >= 1, got " + queueCapacity);
        if (timeoutMs < 1) throw new UserError("--timeout-ms must be >= 1, got " + timeoutMs);
        if (apiKey != null && apiKey.isBlank()) throw new UserError("the API key is empty");
        if (apiKey == null && !isLoopback(host))
            throw new UserError("--host " + host + " is not a loopback address: serving beyond this machine needs "
                    + "--api-key-file (clients then send 'Authorization: Bearer <key>')");
    }

    /** Loopback on an ephemeral port with the defaults of {@code t5j serve}. */
    public static ServeConfig local() {
        return new ServeConfig("127.0.0.1", 0, null, 1 << 20, 512, 512, 32, 256, 60_000);
    }

    public ServeConfig withApiKey(String key) {
        return new ServeConfig(host, port, key, maxBodyBytes, maxInputTokens, maxNewTokens, maxBatch, queueCapacity,
                timeoutMs);
    }

    public ServeConfig withLimits(long maxBody, int maxInput, int maxNew, int batch, int queue, long timeout) {
        return new ServeConfig(host, port, apiKey, maxBody, maxInput, maxNew, batch, queue, timeout);
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new UserError("--host: unknown host '" + host + "'");
        }
    }
}
