package demo;

import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.data.MnistDataset;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends MNIST test digits to {@link Serve} all at once, one request each, checks every answer
 * against mnist-mlp on the float64 reference interpreter with the same checkpoint (the logits within
 * 1e-4, the digit the same unless the interpreter's two best logits are closer than that), and prints
 * how many it classified right and how the service batched them. Exits with status 1 on a mismatch.
 *
 * <p>Arguments: the MNIST cache folder, the service's address, the number of digits and the
 * checkpoint the service loaded.
 */
public final class Client {
    private static final Pattern DIGIT = Pattern.compile("\"digit\": (\\d)");
    private static final Pattern LOGITS = Pattern.compile("\"logits\": \\[([^\\]]*)\\]");

    /** The logits of every image on the float64 interpreter, with the checkpoint's parameters. */
    static NdArray interpreter(NdArray image, Path checkpoint) {
        Graph g = Serve.inference().build();
        Map<String, NdArray> feeds = new HashMap<>();
        Map<String, NdArray> saved = Checkpoint.load(checkpoint);
        for (Node p : g.parameters()) {
            feeds.put(p.name(), saved.get(p.name()));
        }
        feeds.put("image", image);
        return Interpreter.run(g, feeds).outputs().get("logits");
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: demo.Client MNIST_DIR URL COUNT CHECKPOINT.safetensors");
            System.exit(2);
        }
        Dataset test = MnistDataset.load(Path.of(args[0])).test();
        URI base = URI.create(args[1]);
        int count = Math.min(Integer.parseInt(args[2]), test.size());
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        Map<String, NdArray> digits = test.batch(indices);
        NdArray image = digits.get("image");
        NdArray label = digits.get("label");
        NdArray expected = interpreter(image, Path.of(args[3]));
        try (HttpClient http = HttpClient.newHttpClient()) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                StringBuilder body = new StringBuilder();
                for (int p = 0; p < 784; p++) {
                    body.append(p == 0 ? "" : ",").append((float) image.get(i * 784 + p));
                }
                HttpRequest request = HttpRequest.newBuilder(base.resolve("/classify"))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build();
                answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            int right = 0;
            int mismatches = 0;
            for (int i = 0; i < count; i++) {
                HttpResponse<String> r = answers.get(i).join();
                Matcher m = DIGIT.matcher(r.body());
                Matcher l = LOGITS.matcher(r.body());
                if (r.statusCode() != 200 || !m.find() || !l.find()) {
                    throw new IllegalStateException("request " + i + " failed: " + r.statusCode() + " " + r.body());
                }
                int digit = Integer.parseInt(m.group(1));
                String[] served = l.group(1).split(", ");
                int best = 0;
                int second = -1;
                for (int c = 0; c < 10; c++) {
                    double want = expected.get(i * 10 + c);
                    if (Math.abs(Float.parseFloat(served[c]) - want) > 1e-4 * Math.max(1, Math.abs(want))) {
                        System.err.printf("digit %d: logit %d served %s, interpreter %.7f%n", i, c, served[c], want);
                        mismatches++;
                    }
                    if (want > expected.get(i * 10 + best)) {
                        second = best;
                        best = c;
                    } else if (c != best && (second < 0 || want > expected.get(i * 10 + second))) {
                        second = c;
                    }
                }
                boolean tie = expected.get(i * 10 + best) - expected.get(i * 10 + second) < 1e-4;
                if (digit != best && !tie) {
                    System.err.printf("digit %d: served %d, interpreter %d%n", i, digit, best);
                    mismatches++;
                }
                right += digit == label.getLong(i) ? 1 : 0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String stats = http.send(
                            HttpRequest.newBuilder(base.resolve("/stats")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            System.out.printf(
                    "served %d digits in %.2f s: accuracy %.4f, %d differences from the interpreter; service %s%n",
                    count, seconds, (double) right / count, mismatches, stats);
            if (mismatches > 0) {
                System.exit(1);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
