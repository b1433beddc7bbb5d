package dev.javelin.compiler.report;

import dev.javelin.ir.plan.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML file (no script, no network: charts are PNG data inside the page, graphs
 * are inline SVG) about benchmark and training runs. Sections, each with a fixed id: {@code
 * machine} (the ceilings), {@code bench} (fused against unfused: table and bars), per benchmarked
 * model {@code graph-*} (the graph before and after fusion), {@code memory-*} (live memory over the
 * kernel order, peaks marked), {@code roofline-*} (every profiled kernel against the ceilings) and
 * {@code profile-*} (where the fused step's time goes), and {@code training} (loss and accuracy
 * curves). The page is well-formed XML (XHTML syntax), so it can be checked with any XML parser.
 */
public final class HtmlReport {
    private final String title;
    private final List<String> notes = new ArrayList<>();
    private final List<BenchRun> runs = new ArrayList<>();
    private Ceilings ceilings;
    private TrainingChart training;
    private String trainingTitle;
    private List<String> trainingLines = List.of();

    public HtmlReport(String title) {
        this.title = title;
    }

    /** A line under the title: how the report was made (command, machine, date). */
    public HtmlReport note(String line) {
        notes.add(line);
        return this;
    }

    public HtmlReport ceilings(Ceilings c) {
        this.ceilings = c;
        return this;
    }

    public HtmlReport bench(BenchRun run) {
        runs.add(run);
        return this;
    }

    /** The curves of a training run, with lines of text about it (final accuracy, time). */
    public HtmlReport training(TrainingChart chart, String chartTitle, List<String> lines) {
        this.training = chart;
        this.trainingTitle = chartTitle;
        this.trainingLines = List.copyOf(lines);
        return this;
    }

    /** Writes the page; the parent folder is created when missing. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html());
    }

    /** The whole page. */
    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>")
                .append(Html.escape(title))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(Html.escape(title))
                .append("</h1>\n");
        for (String n : notes) {
            h.append("<p class=\"note\">").append(Html.escape(n)).append("</p>\n");
        }
        h.append(toc());
        if (ceilings != null) {
            machine(h);
        }
        if (!runs.isEmpty()) {
            bench(h);
            for (int i = 0; i < runs.size(); i++) {
                model(h, runs.get(i), i);
            }
        }
        if (training != null) {
            training(h);
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private String toc() {
        StringBuilder t = new StringBuilder("<nav><ul>\n");
        if (ceilings != null) {
            t.append(li("machine", "Machine ceilings"));
        }
        if (!runs.isEmpty()) {
            t.append(li("bench", "Fused against unfused"));
            for (int i = 0; i < runs.size(); i++) {
                String m = runs.get(i).model();
                t.append(li("graph-" + i, m + ": graph before and after fusion"));
                t.append(li("memory-" + i, m + ": memory timeline"));
                t.append(li("roofline-" + i, m + ": roofline"));
                t.append(li("profile-" + i, m + ": kernel profile"));
            }
        }
        if (training != null) {
            t.append(li("training", "Training curves"));
        }
        return t.append("</ul></nav>\n").toString();
    }

    private static String li(String id, String text) {
        return "<li><a href=\"#" + id + "\">" + Html.escape(text) + "</a></li>\n";
    }

    private void machine(StringBuilder h) {
        h.append("<section id=\"machine\">\n<h2>Machine ceilings</h2>\n<table>\n")
                .append(row("th", "copy bandwidth", "matrix product peak"))
                .append(row("td", fmt("%.2f GB/s", ceilings.copyGbps()), fmt("%.2f GFLOP/s", ceilings.gemmGflops())))
                .append("</table>\n<p>")
                .append(Html.escape(ceilings.how()))
                .append("</p>\n</section>\n");
    }

    private void bench(StringBuilder h) {
        h.append("<section id=\"bench\">\n<h2>Fused against unfused</h2>\n<table>\n")
                .append(row(
                        "th",
                        "model",
                        "step",
                        "fused median ms (min, max)",
                        "unfused median ms (min, max)",
                        "speedup",
                        "kernels fused/unfused",
                        "MB moved fused/unfused",
                        "fused GFLOP/s",
                        "fused GB/s"));
        for (BenchRun r : runs) {
            h.append(row(
                    "td",
                    r.model(),
                    r.what() + ", batch " + r.batch(),
                    timing(r.fused()),
                    timing(r.unfused()),
                    fmt("%.2fx", r.speedup()),
                    r.fused().kernels() + " / " + r.unfused().kernels(),
                    fmt("%.1f / %.1f", r.fused().bytes() / 1e6, r.unfused().bytes() / 1e6),
                    fmt("%.2f", r.fused().gflops())
                            + (ceilings == null
                                    ? ""
                                    : fmt(" (%.0f%% of peak)", 100 * r.fused().gflops() / ceilings.gemmGflops())),
                    fmt("%.2f", r.fused().gbps())
                            + (ceilings == null
                                    ? ""
                                    : fmt(" (%.0f%% of copy)", 100 * r.fused().gbps() / ceilings.copyGbps()))));
        }
        h.append("</table>\n<ul>\n");
        for (BenchRun r : runs) {
            h.append("<li><b>")
                    .append(Html.escape(r.model()))
                    .append("</b>: ")
                    .append(Html.escape(r.why()))
                    .append("</li>\n");
        }
        h.append("</ul>\n");
        image(h, Charts.pngData(Charts.bars(runs), 900, 420), "fused against unfused step times");
        h.append("<p>")
                .append(Html.escape(
                        runs.get(0).threads() + " threads, " + runs.get(0).runs()
                                + " timed runs of each variant, fused and unfused alternating run by run."))
                .append("</p>\n</section>\n");
    }

    private static String timing(BenchRun.Variant v) {
        return fmt("%.3f (%.3f, %.3f)", v.medianMs(), v.minMs(), v.maxMs());
    }

    private void model(StringBuilder h, BenchRun r, int i) {
        String m = Html.escape(r.model());
        h.append("<section id=\"graph-")
                .append(i)
                .append("\">\n<h2>")
                .append(m)
                .append(": the graph before and after fusion</h2>\n<p>")
                .append(Html.escape(r.what()))
                .append(". Before: every node of the graph after the graph passes (constants left out: kernels fold"
                        + " them in). After: every kernel of the fused plan, outlined, with the nodes it"
                        + " computes; an edge runs from the kernel, input or parameter that wrote a buffer to"
                        + " each kernel that reads it. Outline colours: ")
                .append(legend())
                .append(". Both drawings fit the page width; zoom in to read the boxes.</p>\n<div class=\"graph\">")
                .append(GraphSvg.before(r.graph(), "g" + i + "b"))
                .append("</div>\n<div class=\"graph\">")
                .append(GraphSvg.after(r.graph(), r.fused().plan(), "g" + i + "a"))
                .append("</div>\n</section>\n");

        h.append("<section id=\"memory-")
                .append(i)
                .append("\">\n<h2>")
                .append(m)
                .append(": memory timeline</h2>\n");
        image(h, Charts.pngData(Charts.memory(r), 900, 420), r.model() + " memory timeline");
        long[] f = MemoryTimeline.liveBytes(r.fused().plan());
        long[] u = MemoryTimeline.liveBytes(r.unfused().plan());
        h.append("<p>")
                .append(Html.escape(fmt(
                        "Arena bytes live at each kernel (parameters, inputs and packed weights live outside the"
                                + " arena). Peak: fused %.2f MB, unfused %.2f MB; planned arena: fused %.2f MB,"
                                + " unfused %.2f MB.",
                        f[MemoryTimeline.peakStep(f)] / 1e6,
                        u[MemoryTimeline.peakStep(u)] / 1e6,
                        r.fused().plan().arenaBytes() / 1e6,
                        r.unfused().plan().arenaBytes() / 1e6)))
                .append("</p>\n</section>\n");

        h.append("<section id=\"roofline-")
                .append(i)
                .append("\">\n<h2>")
                .append(m)
                .append(": roofline</h2>\n");
        if (ceilings == null || r.fused().profile().isEmpty()) {
            h.append("<p>Not profiled in this run.</p>\n");
        } else {
            image(h, Charts.pngData(Charts.roofline(r, ceilings), 900, 520), r.model() + " roofline");
            long still = r.fused().profile().stream()
                            .filter(k -> !Charts.onRoofline(k))
                            .count()
                    + r.unfused().profile().stream()
                            .filter(k -> !Charts.onRoofline(k))
                            .count();
            h.append("<p>")
                    .append(Html.escape(fmt(
                            "Each point is a kernel at its FLOPs per byte moved and its achieved rate; the line is"
                                    + " the roofline of this machine (%.1f GB/s copy bandwidth up to %.1f GFLOP/s)."
                                    + " %d kernels that only move data (no FLOPs, or too fast to time) have no place on it. The copy"
                                    + " bandwidth is measured on data far larger than the caches: a kernel whose"
                                    + " buffers stay in cache can run above it, and a matrix product of another shape"
                                    + " can beat the peak measured on one size.",
                            ceilings.copyGbps(), ceilings.gemmGflops(), still)))
                    .append("</p>\n");
        }
        h.append("</section>\n");

        h.append("<section id=\"profile-")
                .append(i)
                .append("\">\n<h2>")
                .append(m)
                .append(": kernel profile</h2>\n");
        if (r.fused().profile().isEmpty()) {
            h.append("<p>Not profiled in this run.</p>\n");
        } else {
            profile(h, r.fused().profile());
        }
        h.append("</section>\n");
    }

    private void profile(StringBuilder h, List<BenchRun.KernelTime> kernels) {
        double total = kernels.stream().mapToDouble(BenchRun.KernelTime::ms).sum();
        h.append("<p>")
                .append(Html.escape(fmt(
                        "Fused step, %d kernels, %.3f ms per step inside kernels; largest first.",
                        kernels.size(), total)))
                .append("</p>\n<table>\n")
                .append(row(
                        "th",
                        "kernel",
                        "kind",
                        "ms per step",
                        "share",
                        "GFLOP/s",
                        "GB/s",
                        "FLOPs per byte",
                        "of its roof"));
        List<BenchRun.KernelTime> sorted = new ArrayList<>(kernels);
        sorted.sort(Comparator.comparingDouble(BenchRun.KernelTime::ms).reversed());
        for (BenchRun.KernelTime k : sorted) {
            h.append(row(
                    "td",
                    k.name(),
                    k.kind(),
                    fmt("%.4f", k.ms()),
                    fmt("%.1f%%", total > 0 ? 100 * k.ms() / total : 0),
                    fmt("%.2f", k.gflops()),
                    fmt("%.2f", k.gbps()),
                    fmt("%.3f", k.intensity()),
                    ofRoof(k)));
        }
        h.append("</table>\n");
    }

    /** How close a kernel came to its roof ({@link Ceilings#ofRoof}); empty where it has none. */
    private String ofRoof(BenchRun.KernelTime k) {
        double f = ceilings == null ? Double.NaN : ceilings.ofRoof(k);
        return Double.isNaN(f) ? "" : fmt(k.flops() == 0 ? "%.0f%% of copy" : "%.0f%%", 100 * f);
    }

    private void training(StringBuilder h) {
        h.append("<section id=\"training\">\n<h2>Training curves</h2>\n");
        image(h, Charts.pngData(training.chart(trainingTitle), 900, 460), trainingTitle);
        for (String line : trainingLines) {
            h.append("<p>").append(Html.escape(line)).append("</p>\n");
        }
        h.append("</section>\n");
    }

    private static String legend() {
        StringBuilder l = new StringBuilder();
        for (Kernel.Kind k : Kernel.Kind.values()) {
            if (!l.isEmpty()) {
                l.append(", ");
            }
            l.append("<span style=\"color:")
                    .append(GraphSvg.kindColor(k))
                    .append("; font-weight:bold\">")
                    .append(k.text())
                    .append("</span>");
        }
        return l.toString();
    }

    private static void image(StringBuilder h, String data, String alt) {
        h.append("<img src=\"")
                .append(data)
                .append("\" alt=\"")
                .append(Html.escape(alt))
                .append("\"/>\n");
    }

    private static String row(String cell, String... values) {
        StringBuilder r = new StringBuilder("<tr>");
        for (String v : values) {
            r.append('<')
                    .append(cell)
                    .append('>')
                    .append(Html.escape(v))
                    .append("</")
                    .append(cell)
                    .append('>');
        }
        return r.append("</tr>\n").toString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static final String CSS = """
            body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1800px; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
            p.note { color: #555; margin: 2px 0; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
            th { background: #f0f0f0; }
            img { max-width: 100%; border: 1px solid #eee; }
            .graph { border: 1px solid #ddd; margin: 8px 0; }
            .graph svg { max-width: 100%; height: auto; display: block; }
            nav ul { columns: 2; font-size: 13px; }
            """;
}
