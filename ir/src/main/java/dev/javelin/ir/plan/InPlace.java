package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Unary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * When a kernel may write a buffer over one it reads (the same arena bytes): the read dies in that
 * kernel, both hold the same number of elements of the same byte size, the kernel is pointwise
 * (or multi-tensor), and element {@code i} of every value computed from the read depends on
 * element {@code i} of the read alone — only elementwise ops without broadcasting that operand, and
 * reshapes, lie between them, and the write is one of those values. A kernel that reads element
 * {@code i} of each input before writing
 * element {@code i} of each output then never reads what it has already overwritten. A
 * multi-tensor kernel runs one loop per group of writes computed from common reads (such writes all
 * have the read's element count), so the same holds there: every write computed from the read is
 * produced in the loop that reads it.
 */
public final class InPlace {
    private InPlace() {}

    /** Whether kernel {@code k} may write {@code write} at the bytes of {@code read}. */
    public static boolean allowed(Kernel k, Buffer read, Buffer write) {
        if (k.kind() != Kernel.Kind.POINTWISE && k.kind() != Kernel.Kind.MULTI_TENSOR) {
            return false;
        }
        if (read.storage() != Storage.ARENA
                || write.storage() != Storage.ARENA
                || !k.reads().contains(read.name())
                || !k.writes().contains(write.name())) {
            return false;
        }
        long count = read.type().shape().numel();
        if (count != write.type().shape().numel()
                || read.type().dtype().byteSize() != write.type().dtype().byteSize()) {
            return false;
        }
        Set<String> aligned = new HashSet<>(List.of(read.name()));
        for (Node n : k.body()) {
            boolean uses = n.inputs().stream().anyMatch(aligned::contains);
            if (!uses) {
                continue;
            }
            if (n.type().shape().numel() != count) {
                return false;
            }
            boolean elementwise = switch (n.op()) {
                case Unary _, Binary _, Select _, Cast _, Reshape _ -> true;
                default -> false;
            };
            if (!elementwise) {
                return false;
            }
            aligned.add(n.name());
        }
        // The write must itself be computed from the read: a write that is not may be produced by
        // another loop of the kernel (a multi-tensor kernel runs one loop per group of writes) before
        // the read's own loop has read it.
        return aligned.contains(write.name());
    }

    /**
     * The in-place pairs of a planned plan: each written buffer mapped to the read whose bytes it
     * takes over ({@link #candidates} at the same offset).
     */
    public static Map<String, String> pairs(Plan p) {
        return candidates(p, (read, write) -> read.isPlaced() && write.isPlaced() && read.offset() == write.offset());
    }

    /**
     * For each arena buffer a kernel writes, the first arena read of that kernel that dies in it, that
     * {@link #allowed} lets it overwrite and that {@code also} accepts; each read is taken at most
     * once. The memory planner places these pairs at one offset; {@link #pairs} finds them again.
     */
    public static Map<String, String> candidates(Plan p, BiPredicate<Buffer, Buffer> also) {
        Map<String, Liveness.Interval> live = Liveness.of(p);
        Map<String, Buffer> buffers = new HashMap<>();
        p.buffers().forEach(b -> buffers.putIfAbsent(b.name(), b));
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        List<Kernel> kernels = p.kernels();
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            for (String w : k.writes()) {
                Buffer wb = buffers.get(w);
                for (String r : k.reads()) {
                    Buffer rb = buffers.get(r);
                    Liveness.Interval lr = live.get(r);
                    if (wb != null
                            && rb != null
                            && lr != null
                            && lr.last() == i
                            && !taken.contains(r)
                            && allowed(k, rb, wb)
                            && also.test(rb, wb)) {
                        taken.add(r);
                        out.put(w, r);
                        break;
                    }
                }
            }
        }
        return out;
    }
}
