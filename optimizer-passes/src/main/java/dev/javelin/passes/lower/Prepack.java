package dev.javelin.passes.lower;

import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Moves the work that depends on parameters alone to load time. A kernel that reads only
 * parameters this plan never assigns (and buffers already moved), and whose results no output
 * needs, becomes a load-time kernel: its buffers become {@link Storage#PACKED} (persistent, outside
 * the arena) and it moves to the front of the plan, in its original relative order. A runtime runs
 * those kernels once when parameters are loaded — weights permuted or reshaped into the layout a
 * kernel wants, products of parameters — instead of every step. In a training plan, where every
 * parameter is assigned, nothing moves.
 *
 * <p>Guarantees: same kernels, bodies and results; the plan verifies. Counters: {@code
 * load-kernels}, {@code packed-bytes}.
 */
public final class Prepack {
    private Prepack() {}

    public static Plan plan(Plan p, PassContext ctx) {
        Set<String> pinned = new HashSet<>();
        Set<String> fixed = new HashSet<>();
        for (Binding b : p.bindings()) {
            switch (b.role()) {
                case PARAMETER -> fixed.add(b.buffer());
                case OUTPUT, ASSIGN -> pinned.add(b.buffer());
                case INPUT -> {}
            }
        }
        fixed.removeAll(p.assignedParameterBuffers());
        Set<String> packed = new HashSet<>();
        List<Kernel> load = new ArrayList<>();
        List<Kernel> step = new ArrayList<>();
        for (Kernel k : p.kernels()) {
            boolean fromParameters = k.reads().stream().allMatch(r -> fixed.contains(r) || packed.contains(r));
            boolean needed = k.writes().stream().anyMatch(pinned::contains);
            if (fromParameters && !needed) {
                load.add(k);
                packed.addAll(k.writes());
            } else {
                step.add(k);
            }
        }
        long bytes = 0;
        List<Buffer> buffers = new ArrayList<>();
        for (Buffer b : p.buffers()) {
            if (packed.contains(b.name())) {
                buffers.add(Buffer.of(b.name(), b.type(), Storage.PACKED));
                bytes += b.bytes();
            } else {
                buffers.add(b);
            }
        }
        ctx.count("load-kernels", load.size());
        ctx.count("packed-bytes", bytes);
        if (load.isEmpty()) {
            return p;
        }
        List<Kernel> kernels = new ArrayList<>(load);
        kernels.addAll(step);
        return new Plan(p.name(), p.sizes(), p.arenaBytes(), buffers, kernels, p.bindings());
    }
}
