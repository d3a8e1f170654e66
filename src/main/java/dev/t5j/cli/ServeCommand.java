package dev.t5j.cli;

import dev.t5j.api.T5j;
import dev.t5j.atlas.AtlasPipeline;
import dev.t5j.common.UserError;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.serve.ServeConfig;
import dev.t5j.serve.T5jServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code t5j serve}: the HTTP API (docs/serve.md) over a model folder, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: /v1/generate (streaming), /v1/score, /v1/embed, /metrics; "
                + "see docs/serve.md.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    VocabOption vocabOption = new VocabOption();
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();
    @Mixin
    AdapterTaskOption adapterTask = new AdapterTaskOption();
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default ${DEFAULT-VALUE}); "
            + "anything but loopback needs --api-key-file")
    String host;
    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 = any free one (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--api-key-file", description = "File holding the bearer token clients must send")
    Path apiKeyFile;
    @Option(names = "--max-body-bytes", defaultValue = "1048576",
            description = "Largest request body (default ${DEFAULT-VALUE})")
    long maxBody;
    @Option(names = "--max-input-tokens", defaultValue = "512",
            description = "Longest input in tokens (default ${DEFAULT-VALUE})")
    int maxInput;
    @Option(names = "--max-new-tokens-limit", defaultValue = "512",
            description = "Largest max_new_tokens a request may ask (default ${DEFAULT-VALUE})")
    int maxNew;
    @Option(names = "--max-batch", defaultValue = "32",
            description = "Sequences decoded together (default ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--queue", defaultValue = "256",
            description = "Requests waiting at most; more get 429 (default ${DEFAULT-VALUE})")
    int queue;
    @Option(names = "--timeout-ms", defaultValue = "60000",
            description = "Per-request deadline (default ${DEFAULT-VALUE})")
    long timeoutMs;

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = new ServeConfig(host, port, apiKey(apiKeyFile), maxBody, maxInput, maxNew, maxBatch, queue,
                timeoutMs);
        model.apply();
        if (AtlasPipeline.isAtlasModel(model.model)) {
            if (vocabOption.vocab != null) throw new UserError("--vocab: an Atlas model uses its reader's vocabulary");
            if (dtype.dtype != ComputeDtype.FP32)
                throw new UserError("--dtype " + dtype.dtype.key() + ": an Atlas model is served in fp32; use --dtype "
                        + "fp32");
            if (model.adapter != null) throw new UserError("--adapter: an Atlas model is served without adapters");
            try (AtlasPipeline atlas = AtlasPipeline.load(model.model);
                 T5jServer server = T5jServer.start(atlas, cfg)) {
                System.err.println("t5j: Atlas model, " + atlas.indexSize() + " passages indexed");
                await(server);
            }
            return 0;
        }
        try (T5j t5 = model.loadText(adapterTask.task, dtype.resolve(), vocabOption.vocab);
             T5jServer server = T5jServer.start(t5, cfg)) {
            await(server);
        }
        return 0;
    }

    private void await(T5jServer server) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        System.err.println("t5j: serving " + model.model + " on " + server.url() + " (Ctrl-C stops)");
        stop.await();
    }

    /** The token in {@code file} (surrounding whitespace dropped), or null without a file. */
    static String apiKey(Path file) {
        if (file == null) return null;
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) throw new UserError(file + ": the API key file is empty");
            return key;
        } catch (IOException e) {
            throw new UserError(file + ": cannot read the API key file: " + e.getMessage());
        }
    }
}
