package demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.dsl.Net;
import dev.javelin.ir.type.DType;
import dev.javelin.models.MnistMlp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP inference service on the JDK's {@link HttpServer}: {@code POST /classify} with 784
 * pixel values (comma or whitespace separated, 0 to 1) answers {@code {"digit": D, "logits": [...]}}.
 * Requests that arrive together are batched into one run of one compiled model: a single thread
 * takes the first waiting request, gathers more for up to {@link #WINDOW_MICROS} microseconds (at
 * most {@link #BATCH}), and runs them as one batch. {@code GET /stats} gives the request and batch
 * counts.
 *
 * <p>Arguments: the checkpoint examples/mnist-train wrote and the port (0 for any free one).
 */
public final class Serve {
    static final int BATCH = 32;
    static final long WINDOW_MICROS = 2_000;

    /** One request: its pixels, and where its answer goes. */
    record Request(float[] pixels, CompletableFuture<float[]> logits) {}

    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(1024);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: demo.Serve CHECKPOINT.safetensors PORT");
            System.exit(2);
        }
        CompiledModel model = Javelin.compile(inference(), CompileOptions.cpu().withBatch(BATCH));
        model.loadCheckpoint(Path.of(args[0]));
        Serve serve = new Serve();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 64);
        server.createContext("/classify", serve::classify);
        server.createContext("/stats", serve::stats);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Thread batcher = Thread.ofPlatform().name("batcher").start(() -> serve.batches(model));
        server.start();
        System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            batcher.interrupt();
        }));
    }

    /** mnist-mlp's inference graph: {@code image: f32[batch, 784]} in, {@code logits: f32[batch, 10]} out. */
    static Net inference() {
        Net net = new Net("mnist_mlp");
        MnistMlp.Network network = net.module(new MnistMlp.Network());
        net.output("logits", network.forward(net.input("image", DType.F32, "batch", 784)));
        return net;
    }

    /** The batching loop: one compiled model, one input and one output array, reused for every batch. */
    private void batches(CompiledModel model) {
        float[] pixels = new float[BATCH * 784];
        float[] logits = new float[BATCH * 10];
        Map<String, HostTensor> in = Map.of("image", HostTensor.of(pixels, BATCH, 784));
        Map<String, HostTensor> out = Map.of("logits", HostTensor.of(logits, BATCH, 10));
        List<Request> batch = new ArrayList<>(BATCH);
        try (model) {
            while (true) {
                batch.add(queue.take());
                long deadline = System.nanoTime() + WINDOW_MICROS * 1_000;
                while (batch.size() < BATCH) {
                    Request r = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (r == null) {
                        break;
                    }
                    batch.add(r);
                }
                Arrays.fill(pixels, 0);
                for (int i = 0; i < batch.size(); i++) {
                    System.arraycopy(batch.get(i).pixels(), 0, pixels, i * 784, 784);
                }
                try {
                    model.run(in, out);
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).logits().complete(Arrays.copyOfRange(logits, i * 10, i * 10 + 10));
                    }
                } catch (RuntimeException e) {
                    batch.forEach(r -> r.logits().completeExceptionally(e));
                }
                batches.incrementAndGet();
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void classify(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "{\"error\": \"POST 784 pixel values to /classify\"}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim();
            String[] parts = body.isEmpty() ? new String[0] : body.split("[,\\s]+");
            if (parts.length != 784) {
                reply(exchange, 400, "{\"error\": \"expected 784 pixel values, found " + parts.length + "\"}");
                return;
            }
            float[] pixels = new float[784];
            try {
                for (int i = 0; i < 784; i++) {
                    pixels[i] = Float.parseFloat(parts[i]);
                }
            } catch (NumberFormatException e) {
                reply(exchange, 400, "{\"error\": \"a pixel value is not a number: " + e.getMessage() + "\"}");
                return;
            }
            Request r = new Request(pixels, new CompletableFuture<>());
            requests.incrementAndGet();
            if (!queue.offer(r)) {
                reply(exchange, 503, "{\"error\": \"too many requests waiting\"}");
                return;
            }
            float[] logits = r.logits().join();
            int best = 0;
            for (int c = 1; c < 10; c++) {
                best = logits[c] > logits[best] ? c : best;
            }
            reply(exchange, 200, "{\"digit\": " + best + ", \"logits\": " + Arrays.toString(logits) + "}");
        }
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            reply(exchange, 200, "{\"requests\": " + requests.get() + ", \"batches\": " + batches.get() + "}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
