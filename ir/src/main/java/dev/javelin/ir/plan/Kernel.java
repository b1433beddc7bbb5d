package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One kernel of a plan: a fused group of graph nodes run as one launch. Its body is a list of graph
 * nodes in evaluation order (graph-IR syntax); an operand of a body node is an earlier body node or
 * one of the buffers the kernel reads, and the body nodes named in {@code writes} are stored to the
 * buffers of the same names. Both codegens walk this body; the plan interpreter evaluates it.
 *
 * <p>{@code flops} counts arithmetic operations (see the lowering for the per-op rule), and the
 * byte counts are the sizes of the buffers read and written, each once: the traffic of a kernel
 * that reads each input and writes each output exactly once.
 */
public record Kernel(
        String name,
        Kind kind,
        List<String> reads,
        List<String> writes,
        List<Node> body,
        long flops,
        long bytesRead,
        long bytesWritten) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** What template a codegen uses for the kernel, after its heaviest node. */
    public enum Kind {
        POINTWISE,
        REDUCTION,
        MOVEMENT,
        CONTRACTION,
        CONVOLUTION,
        POOLING,
        GATHER,
        SCATTER,
        /**
         * Several independent pointwise updates in one launch (the optimizer step of every
         * parameter of one dtype): writes computed from common reads share one loop over their
         * element count (a parameter with its optimizer state); the others run their own.
         */
        MULTI_TENSOR,
        /**
         * Scaled dot-product attention as one kernel: {@code matmul(Q, Kᵀ)}, a multiply or divide by
         * a scalar constant, optionally an additive mask, the softmax's max, sub, exp, sum and div
         * over the keys, and {@code matmul(P, V)}; only the last is written (the scores and
         * probabilities never reach memory).
         */
        ATTENTION;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Kernel {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("kernel name must be an identifier, got '" + name + "'");
        }
        if (kind == null || reads == null || writes == null || body == null) {
            throw new IllegalArgumentException("kernel " + name + " needs a kind, reads, writes and a body");
        }
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        body = List.copyOf(body);
        if (body.isEmpty() || writes.isEmpty()) {
            throw new IllegalArgumentException("kernel " + name + " needs at least one body node and one write, found "
                    + body.size() + " nodes and " + writes.size() + " writes");
        }
        if (flops < 0 || bytesRead < 0 || bytesWritten < 0) {
            throw new IllegalArgumentException("kernel " + name + ": expected counts >= 0, found flops=" + flops
                    + " bytes_read=" + bytesRead + " bytes_written=" + bytesWritten);
        }
    }

    /** The names of the IR nodes this kernel implements, in body order. */
    public List<String> nodes() {
        return body.stream().map(Node::name).toList();
    }
}
