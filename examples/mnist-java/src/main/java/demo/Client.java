package demo;

import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.data.MnistDataset;
import dev.javelin.ir.value.NdArray;
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
 * Sends MNIST test digits to {@link Serve} all at once, one request each, and prints how many it
 * classified right and how the service batched them.
 *
 * <p>Arguments: the MNIST cache folder, the service's address and the number of digits.
 */
public final class Client {
    private static final Pattern DIGIT = Pattern.compile("\"digit\": (\\d)");

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: demo.Client MNIST_DIR URL COUNT");
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
            for (int i = 0; i < count; i++) {
                HttpResponse<String> r = answers.get(i).join();
                Matcher m = DIGIT.matcher(r.body());
                if (r.statusCode() != 200 || !m.find()) {
                    throw new IllegalStateException("request " + i + " failed: " + r.statusCode() + " " + r.body());
                }
                right += Integer.parseInt(m.group(1)) == label.getLong(i) ? 1 : 0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String stats = http.send(
                            HttpRequest.newBuilder(base.resolve("/stats")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            System.out.printf(
                    "served %d digits in %.2f s: accuracy %.4f; service %s%n",
                    count, seconds, (double) right / count, stats);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
