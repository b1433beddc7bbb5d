package dev.javelin.compiler.report;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A graph drawn as SVG, before and after fusion, laid out in layers (a box's layer is the longest
 * path to it from a source; boxes of a layer ordered by the mean position of their operands, to keep
 * edges short). Before fusion: one box per graph node, constants left out (every kernel folds them
 * in), an edge from each operand to its user. After fusion: one outlined group per plan kernel,
 * holding the nodes it computes (constants left out), with an edge from the kernel (or input or parameter) that wrote a
 * buffer to each kernel that reads it.
 */
public final class GraphSvg {
    private static final int BOX_W = 168;
    private static final int LINE_H = 14;
    private static final int H_GAP = 18;
    private static final int V_GAP = 34;
    private static final int MARGIN = 12;
    private static final int MAX_GROUP_LINES = 14;

    private GraphSvg() {}

    /** A box to place: its text lines, fill, outline, and the boxes it depends on. */
    private static final class Box {
        final List<String> lines;
        final String fill;
        final String stroke;
        final boolean group;
        String tip;
        final List<Box> deps = new ArrayList<>();
        int layer;
        double order;
        double x;
        double y;

        Box(List<String> lines, String fill, String stroke, boolean group) {
            this.lines = lines;
            this.fill = fill;
            this.stroke = stroke;
            this.group = group;
            this.tip = String.join("\n", lines);
        }

        double height() {
            return lines.size() * LINE_H + (group ? 12 : 8);
        }
    }

    /** The graph before fusion; {@code idPrefix} keeps the SVG's ids unique in one page. */
    public static String before(Graph g, String idPrefix) {
        Map<String, Box> boxes = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Constant) {
                continue;
            }
            Box b = new Box(
                    List.of(
                            n.op().mnemonic() + "  %" + shorten(n.name(), 16),
                            shorten(n.type().toString(), 26)),
                    fill(n),
                    "#666666",
                    false);
            for (String in : n.inputs()) {
                Box d = boxes.get(in);
                if (d != null && !b.deps.contains(d)) {
                    b.deps.add(d);
                }
            }
            boxes.put(n.name(), b);
        }
        return draw(new ArrayList<>(boxes.values()), idPrefix, g.name() + " before fusion");
    }

    /**
     * The plan's kernels as outlined groups of the nodes they compute; inputs and parameters are
     * their own boxes.
     */
    public static String after(Graph g, Plan plan, String idPrefix) {
        Map<String, Box> writer = new HashMap<>();
        List<Box> boxes = new ArrayList<>();
        for (Binding b : plan.bindings()) {
            if (b.role() == Binding.Role.INPUT || b.role() == Binding.Role.PARAMETER) {
                Box box = new Box(
                        List.of(b.role().text() + " " + shorten(b.name(), 20), shortType(plan, b.buffer())),
                        b.role() == Binding.Role.INPUT ? "#dbe9f6" : "#e2f0d9",
                        "#666666",
                        false);
                if (!writer.containsKey(b.buffer())) {
                    writer.put(b.buffer(), box);
                    boxes.add(box);
                }
            }
        }
        for (Kernel k : plan.kernels()) {
            List<String> lines = new ArrayList<>();
            List<Node> body =
                    k.body().stream().filter(n -> !(n.op() instanceof Constant)).toList();
            lines.add(shorten(k.name(), 28));
            lines.add(k.kind().text() + (plan.isLoadTime(k) ? ", load time" : "") + ", " + body.size() + " nodes");
            int shown = body.size() <= MAX_GROUP_LINES ? body.size() : MAX_GROUP_LINES - 1;
            for (int i = 0; i < shown; i++) {
                Node n = body.get(i);
                lines.add(n.op().mnemonic() + "  %" + shorten(n.name(), 18));
            }
            if (shown < body.size()) {
                lines.add("... and " + (body.size() - shown) + " more nodes");
            }
            Box box = new Box(lines, "#ffffff", kindColor(k.kind()), true);
            box.tip = k.name() + " (" + k.kind().text() + "): "
                    + String.join(", ", body.stream().map(Node::name).toList());
            for (String r : k.reads()) {
                Box d = writer.get(r);
                if (d != null && !box.deps.contains(d)) {
                    box.deps.add(d);
                }
            }
            for (String w : k.writes()) {
                writer.put(w, box);
            }
            boxes.add(box);
        }
        return draw(
                boxes, idPrefix, g.name() + " after fusion: " + plan.kernels().size() + " kernels");
    }

    /** The stroke of a kernel group of this kind (the legend of the report lists them). */
    public static String kindColor(Kernel.Kind kind) {
        return switch (kind) {
            case POINTWISE -> "#1f77b4";
            case REDUCTION -> "#9467bd";
            case MOVEMENT -> "#7f7f7f";
            case CONTRACTION -> "#ff7f0e";
            case CONVOLUTION -> "#d62728";
            case POOLING -> "#8c564b";
            case GATHER -> "#17becf";
            case SCATTER -> "#bcbd22";
            case MULTI_TENSOR -> "#2ca02c";
            case ATTENTION -> "#e377c2";
        };
    }

    private static String fill(Node n) {
        return switch (n.op()) {
            case Input i -> "#dbe9f6";
            case Parameter p -> "#e2f0d9";
            case Assign a -> "#f8d7da";
            case MatMul m -> "#ffe5cc";
            case Conv2d c -> "#f9d0d0";
            case Conv2dBackpropInput c -> "#f9d0d0";
            case Conv2dBackpropFilter c -> "#f9d0d0";
            case Reduce r -> "#e8def3";
            default -> "#ffffff";
        };
    }

    private static String shortType(Plan plan, String buffer) {
        return plan.find(buffer).map(b -> shorten(b.type().toString(), 26)).orElse("");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** Layers, order within layers, coordinates, then the SVG text. */
    private static String draw(List<Box> boxes, String idPrefix, String title) {
        int layers = 0;
        for (Box b : boxes) { // boxes come in dependency order
            b.layer = 0;
            for (Box d : b.deps) {
                b.layer = Math.max(b.layer, d.layer + 1);
            }
            layers = Math.max(layers, b.layer + 1);
        }
        // A source (input, parameter) sits just above its first user, not at the top of a deep graph.
        Map<Box, Integer> firstUse = new HashMap<>();
        for (Box b : boxes) {
            for (Box d : b.deps) {
                firstUse.merge(d, b.layer, Math::min);
            }
        }
        for (Box b : boxes) {
            if (b.deps.isEmpty() && firstUse.containsKey(b)) {
                b.layer = Math.max(0, firstUse.get(b) - 1);
            }
        }
        List<List<Box>> byLayer = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            byLayer.add(new ArrayList<>());
        }
        boxes.forEach(b -> byLayer.get(b.layer).add(b));
        // Order each layer by the mean position of its operands in the layers above.
        for (List<Box> layer : byLayer) {
            for (Box b : layer) {
                b.order = b.deps.isEmpty()
                        ? layer.indexOf(b)
                        : b.deps.stream().mapToDouble(d -> d.order).average().orElse(0);
            }
            layer.sort((a, c) -> Double.compare(a.order, c.order));
            for (int i = 0; i < layer.size(); i++) {
                layer.get(i).order = i;
            }
        }
        int widest = byLayer.stream().mapToInt(List::size).max().orElse(1);
        double width = 2 * MARGIN + widest * (BOX_W + H_GAP) - H_GAP;
        double y = MARGIN + 20;
        for (List<Box> layer : byLayer) {
            double layerW = layer.size() * (BOX_W + H_GAP) - H_GAP;
            double x = (width - layerW) / 2;
            double tallest = 0;
            for (Box b : layer) {
                b.x = x;
                b.y = y;
                x += BOX_W + H_GAP;
                tallest = Math.max(tallest, b.height());
            }
            y += tallest + V_GAP;
        }
        double height = y - V_GAP + MARGIN;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                        + " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" role=\"img\">%n",
                width,
                height,
                width,
                height));
        s.append("<title>").append(Html.escape(title)).append("</title>\n");
        s.append("<defs><marker id=\"")
                .append(idPrefix)
                .append("-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\""
                        + " orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#888888\"/>"
                        + "</marker></defs>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#fcfcfc\"/>\n");
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                MARGIN,
                MARGIN + 8,
                Html.escape(title)));
        for (Box b : boxes) {
            for (Box d : b.deps) {
                double x1 = d.x + BOX_W / 2.0;
                double y1 = d.y + d.height();
                double x2 = b.x + BOX_W / 2.0;
                double y2 = b.y;
                double mid = (y1 + y2) / 2;
                s.append(String.format(
                        Locale.ROOT,
                        "<path d=\"M %.1f %.1f C %.1f %.1f, %.1f %.1f, %.1f %.1f\" fill=\"none\" stroke=\"#999999\""
                                + " stroke-width=\"1\" marker-end=\"url(#%s-arrow)\"/>%n",
                        x1,
                        y1,
                        x1,
                        mid,
                        x2,
                        mid,
                        x2,
                        y2,
                        idPrefix));
            }
        }
        for (Box b : boxes) {
            s.append(String.format(
                    Locale.ROOT,
                    "<g><title>%s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" rx=\"%d\" fill=\"%s\""
                            + " stroke=\"%s\" stroke-width=\"%s\"/>%n",
                    Html.escape(b.tip),
                    b.x,
                    b.y,
                    BOX_W,
                    b.height(),
                    b.group ? 8 : 4,
                    b.fill,
                    b.stroke,
                    b.group ? "2.5" : "1"));
            for (int i = 0; i < b.lines.size(); i++) {
                boolean head = b.group && i < 2;
                s.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n",
                        b.x + 6,
                        b.y + (b.group ? 6 : 4) + LINE_H * (i + 1) - 3 + (head || !b.group ? 0 : 3),
                        head ? " font-weight=\"" + (i == 0 ? "bold" : "normal") + "\" fill=\"" + b.stroke + "\"" : "",
                        Html.escape(b.lines.get(i))));
            }
            s.append("</g>\n");
        }
        return s.append("</svg>\n").toString();
    }
}
