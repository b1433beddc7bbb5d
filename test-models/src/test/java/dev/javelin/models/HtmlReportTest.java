package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.compiler.testing.HtmlChecks;
import dev.javelin.dsl.json.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The reports of {@code javelin bench --html/--profile} and {@code javelin train --html}: one
 * well-formed, self-contained page with every section; the profile's kernels add up to the step;
 * headless Chromium renders the page into a screenshot that is not blank (where it is installed).
 */
class HtmlReportTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void benchReportHasEverySectionAndTheProfileAddsUpToTheStep() throws Exception {
        Path html = tmp.resolve("bench.html");
        Path json = tmp.resolve("bench.json");
        Run r = run(
                "bench",
                "--model",
                "mnist-mlp",
                "--train",
                "--batch",
                "8",
                "--runs",
                "3",
                "--warmup",
                "2",
                "--threads",
                "2",
                "--profile",
                "--html",
                html.toString(),
                "--json",
                json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("copy bandwidth") && r.out().contains("matrix product peak"), r.out());
        assertTrue(r.out().contains("where the unfused step's time goes"), r.out());
        // the kernels' share of the step, both measured on the same runs, cannot pass 100%
        java.util.regex.Matcher kernelShare = java.util.regex.Pattern.compile(
                        "inside its \\d+ kernels, ([0-9.]+)% of the [0-9.]+ ms those profiled steps took")
                .matcher(r.out());
        int shares = 0;
        while (kernelShare.find()) {
            shares++;
            assertTrue(Double.parseDouble(kernelShare.group(1)) <= 100.0, kernelShare.group());
        }
        assertEquals(2, shares, r.out());
        assertTrue(r.out().contains("HTML report written to " + html.toAbsolutePath()), r.out());

        String page = Files.readString(html);
        Document doc = HtmlChecks.parse(page);
        HtmlChecks.selfContained(page, doc);
        assertTrue(
                HtmlChecks.sections(doc)
                        .containsAll(Set.of("machine", "bench", "graph-0", "memory-0", "roofline-0", "profile-0")),
                HtmlChecks.sections(doc).toString());
        assertEquals(2, doc.getElementsByTagNameNS("*", "svg").getLength(), "graph before and after fusion");
        assertEquals(3, count(page, "<img src=\"data:image/png;base64,"), "bars, memory timeline, roofline");

        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(json), json.toString());
        Map<String, Object> ceilings = (Map<String, Object>) j.get("ceilings");
        assertTrue(((Number) ceilings.get("copy_gbps")).doubleValue() > 0, ceilings.toString());
        assertTrue(((Number) ceilings.get("gemm_gflops")).doubleValue() > 0, ceilings.toString());
        for (String variant : List.of("fused", "unfused")) {
            Map<String, Object> v = (Map<String, Object>) j.get(variant);
            List<Map<String, Object>> profile = (List<Map<String, Object>>) v.get("profile");
            assertEquals(((Number) v.get("kernels")).intValue(), profile.size(), variant);
            long flops = 0;
            long bytes = 0;
            double share = 0;
            for (Map<String, Object> k : profile) {
                flops += ((Number) k.get("flops")).longValue();
                bytes += ((Number) k.get("bytes")).longValue();
                share += ((Number) k.get("share")).doubleValue();
                double intensity = ((Number) k.get("flops_per_byte")).doubleValue();
                double roof = ((Number) k.get("roof_gflops")).doubleValue();
                assertEquals(
                        Math.min(
                                ((Number) ceilings.get("gemm_gflops")).doubleValue(),
                                intensity * ((Number) ceilings.get("copy_gbps")).doubleValue()),
                        roof,
                        1e-9 * roof,
                        k.toString());
            }
            assertEquals(((Number) v.get("flops")).longValue(), flops, variant + ": kernel FLOPs add up to the step");
            assertEquals(((Number) v.get("bytes")).longValue(), bytes, variant + ": kernel bytes add up to the step");
            assertEquals(1.0, share, 1e-9, variant);
        }

        Optional<Path> chromium = HtmlChecks.chromium();
        Assumptions.assumeTrue(
                chromium.isPresent(), "no Chromium on PATH (Debian's chromium package): screenshot check skipped");
        BufferedImage shot = HtmlChecks.screenshot(chromium.get(), html, tmp.resolve("bench.png"), 1280, 2400);
        assertEquals(1280, shot.getWidth());
        HtmlChecks.notBlank(shot, 0.05);
    }

    @Test
    void trainReportHasTheCurves() throws Exception {
        Path html = tmp.resolve("train.html");
        Run r = run(
                "train",
                "--model",
                "two-layer-net",
                "--steps",
                "6",
                "--batch",
                "4",
                "--lr",
                "1e-6",
                "--backend",
                "interpreter",
                "--html",
                html.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String page = Files.readString(html);
        Document doc = HtmlChecks.parse(page);
        HtmlChecks.selfContained(page, doc);
        assertEquals(Set.of("training"), HtmlChecks.sections(doc));
        assertEquals(1, count(page, "<img src=\"data:image/png;base64,"));
        assertTrue(page.contains("6 steps of batch 4 on synthetic"), page);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void anUnwritableReportFailsBeforeAnyWorkNamingTheOption() throws Exception {
        Run folder = run("bench", "--model", "mnist-mlp", "--html", tmp.toString());
        assertEquals(1, folder.code(), folder.out() + folder.err());
        assertEquals("javelin: cannot write --html " + tmp + ": it is a folder\n", folder.err());
        assertTrue(folder.out().isEmpty(), "nothing measured: " + folder.out());
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run under = run(
                "train",
                "--model",
                "two-layer-net",
                "--steps",
                "1",
                "--plot",
                file.resolve("c.png").toString());
        assertEquals(1, under.code(), under.out() + under.err());
        assertTrue(under.err().startsWith("javelin: cannot write --plot " + file.resolve("c.png")), under.err());
        assertTrue(under.out().isEmpty(), "nothing trained: " + under.out());
    }

    @Test
    void theDemoKeepsItsBenchmarkInTheReportWhenTrainingCannotStart() throws Exception {
        // A Javelin home without MNIST and without scripts/fetch-mnist: fetching fails after the bench.
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path html = tmp.resolve("demo.html");
        String before = System.getProperty("javelin.home");
        System.setProperty("javelin.home", home.toString());
        Run r;
        try {
            r = run("demo", "--epochs", "1", "--report", html.toString());
        } finally {
            if (before == null) {
                System.clearProperty("javelin.home");
            } else {
                System.setProperty("javelin.home", before);
            }
        }
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("fetch-mnist"), r.err());
        assertTrue(
                r.out().contains("training did not finish, so no curves) written to " + html.toAbsolutePath()),
                r.out());
        String page = Files.readString(html);
        Document doc = HtmlChecks.parse(page);
        HtmlChecks.selfContained(page, doc);
        Set<String> sections = HtmlChecks.sections(doc);
        assertTrue(
                sections.containsAll(Set.of("machine", "bench", "graph-0", "memory-0", "roofline-0", "profile-0")),
                sections.toString());
        assertTrue(!sections.contains("training"), sections.toString());
    }
}
