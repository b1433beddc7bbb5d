package dev.javelin.passes.memory;

import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes each assigned parameter's new value straight into the parameter's memory ({@link
 * Storage#UPDATE}) instead of into an arena buffer that the executor copies over the parameter
 * after the step: the SGD update becomes one pass over each weight, and the new values take no
 * arena.
 *
 * <p>A new value qualifies when it is an arena buffer that only this assign takes, and every kernel
 * that reads the parameter's old value runs at or before the kernel that writes it (within that
 * kernel, lowering copies the old value first where a loop would read it after the store; an
 * optimizer's loop reads each element where it writes it, so it copies nothing).
 *
 * <p>A plan with a kernel that can fail while it runs (an index check: gather, scatter-add) keeps
 * the copies, so a failed step leaves every parameter as it was.
 *
 * <p>Counters: {@code updates} (assigns now written in place), {@code kept} (assigns still copied).
 */
public final class UpdateInPlace {
    private UpdateInPlace() {}

    public static Plan plan(Plan p, PassContext ctx) {
        List<Binding> assigns = p.bindings(Binding.Role.ASSIGN);
        boolean mayFail =
                p.kernels().stream().anyMatch(k -> k.kind() == Kernel.Kind.GATHER || k.kind() == Kernel.Kind.SCATTER);
        Map<String, String> parameterBuffer = new HashMap<>();
        p.bindings(Binding.Role.PARAMETER).forEach(b -> parameterBuffer.put(b.name(), b.buffer()));
        Map<String, Integer> takers = new HashMap<>();
        assigns.forEach(a -> takers.merge(a.buffer(), 1, Integer::sum));
        Set<String> updates = new HashSet<>();
        for (Binding a : assigns) {
            String param = parameterBuffer.get(a.name());
            if (!mayFail && param != null && takers.get(a.buffer()) == 1 && qualifies(p, a.buffer(), param)) {
                updates.add(a.buffer());
            }
        }
        ctx.count("updates", updates.size());
        ctx.count("kept", assigns.size() - updates.size());
        if (updates.isEmpty()) {
            return p;
        }
        List<Buffer> buffers = new ArrayList<>();
        for (Buffer b : p.buffers()) {
            buffers.add(updates.contains(b.name()) ? Buffer.of(b.name(), b.type(), Storage.UPDATE) : b);
        }
        return new Plan(p.name(), p.sizes(), p.arenaBytes(), buffers, p.kernels(), p.bindings());
    }

    /** Whether {@code value} is an arena buffer written after every read of {@code param}. */
    private static boolean qualifies(Plan p, String value, String param) {
        if (p.buffer(value).storage() != Storage.ARENA) {
            return false;
        }
        boolean written = p.kernels().stream().anyMatch(k -> k.writes().contains(value));
        return written && p.readAfterWrite(value, param).isEmpty();
    }
}
