package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.text.Printer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a plan in its text form (grammar in {@code docs/plan.md}); canonical, so {@code
 * print(parse(print(p)))} is a fixed point. Kernel bodies are node lines of the graph text form.
 *
 * <pre>
 * plan classifier {
 *   sizes batch=4
 *   arena 512
 *   buffer %x : f32[4,8] input
 *   buffer %0 : f32[4,3] arena 0
 *   kernel k0_matmul contraction reads(%x, %w) writes(%0) flops=192 bytes_read=224 bytes_written=48 {
 *     %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[4,3]
 *   }
 *   input x = %x
 *   output y = %0
 * }
 * </pre>
 */
public final class PlanPrinter {
    private PlanPrinter() {}

    public static String print(Plan p) {
        StringBuilder b = new StringBuilder();
        b.append("plan ").append(p.name()).append(" {\n");
        if (!p.sizes().isEmpty()) {
            b.append("  sizes ")
                    .append(p.sizes().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", ")))
                    .append('\n');
        }
        b.append("  arena ").append(p.arenaBytes()).append('\n');
        for (Buffer buf : p.buffers()) {
            b.append("  ").append(buffer(buf)).append('\n');
        }
        for (Kernel k : p.kernels()) {
            b.append("  ").append(header(k)).append(" {\n");
            for (Node n : k.body()) {
                b.append("    ").append(Printer.node(n)).append('\n');
            }
            b.append("  }\n");
        }
        for (Binding bind : p.bindings()) {
            b.append("  ")
                    .append(bind.role().text())
                    .append(' ')
                    .append(bind.name())
                    .append(" = %")
                    .append(bind.buffer())
                    .append('\n');
        }
        return b.append("}\n").toString();
    }

    /** A buffer's line, e.g. {@code buffer %0 : f32[4,3] arena 256}. */
    public static String buffer(Buffer buf) {
        String s = "buffer %" + buf.name() + " : " + buf.type() + " "
                + buf.storage().text();
        return buf.isPlaced() ? s + " " + buf.offset() : s;
    }

    /** A kernel's opening line, without the {@code {}. */
    public static String header(Kernel k) {
        return "kernel " + k.name() + " " + k.kind().text() + " reads" + names(k.reads()) + " writes"
                + names(k.writes()) + " flops=" + k.flops() + " bytes_read=" + k.bytesRead() + " bytes_written="
                + k.bytesWritten();
    }

    private static String names(List<String> names) {
        return names.stream().map(n -> "%" + n).collect(Collectors.joining(", ", "(", ")"));
    }
}
