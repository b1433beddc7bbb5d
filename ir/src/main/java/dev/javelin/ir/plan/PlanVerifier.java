package dev.javelin.ir.plan;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every invariant the plan IR promises; codegens and the plan interpreter rely on all of
 * them.
 *
 * <ol>
 *   <li><b>names</b>: buffer names are unique, kernel names are unique.
 *   <li><b>references</b>: every buffer a kernel reads or writes and every binding names a buffer.
 *   <li><b>bodies</b>: a body node is no input, parameter or assign; its operands are earlier body
 *       nodes or buffers the kernel reads; every read is used; its type is exactly what its op
 *       infers; every write is a body node of the buffer's type; byte counts are the sizes of the
 *       reads and writes.
 *   <li><b>order</b>: in kernel order every buffer is written before it is read, each exactly once;
 *       the load-time kernels (those writing packed buffers) come first, write only packed buffers
 *       and read only parameters the plan never assigns and packed buffers; every other kernel
 *       writes arena and update buffers only; every output and assign buffer is written (or is an
 *       input or parameter).
 *   <li><b>updates</b>: an update buffer is the value of exactly one assign, whose parameter has no
 *       other update buffer, and every kernel that reads that parameter runs at or before the kernel
 *       that writes the update (which overwrites the parameter's memory).
 *   <li><b>bindings</b>: every input and parameter buffer is bound exactly once, by its role; an
 *       assign targets a bound parameter, once, with a buffer of the parameter's type.
 *   <li><b>arena</b>: every arena buffer has an offset, a multiple of {@link Buffer#ALIGNMENT}, and
 *       lies inside the arena; no two arena buffers live at the same step ({@link Liveness}) share a
 *       byte, except a read and a write of one kernel that {@link InPlace} allows at the same offset.
 * </ol>
 */
public final class PlanVerifier {
    private PlanVerifier() {}

    /** Throws a {@link PlanVerifyException} listing every problem, or returns if there are none. */
    public static void verify(Plan p) {
        List<String> problems = check(p);
        if (!problems.isEmpty()) {
            throw new PlanVerifyException(p.name(), problems);
        }
    }

    /**
     * With {@link dev.javelin.ir.config.Flags#IR_SELF_CHECK} on (always in tests): verifies {@code p}
     * (the arena overlap check included) and checks that its text parses back equal and prints
     * again identically. Returns {@code p}. The memory planner calls it on every plan it places, so
     * every planned plan in the test suite is checked.
     */
    public static Plan selfChecked(Plan p) {
        if (dev.javelin.ir.config.Flags.IR_SELF_CHECK.get()) {
            verify(p);
            String text = PlanPrinter.print(p);
            Plan back = PlanParser.parse(text);
            if (!back.equals(p) || !PlanPrinter.print(back).equals(text)) {
                throw new IllegalStateException(
                        "plan " + p.name() + " does not round-trip through its text form:\n" + text);
            }
        }
        return p;
    }

    /**
     * Like {@link #verify}, but for a plan before memory planning: every invariant except those of
     * the arena (offsets are not chosen yet).
     */
    public static void verifyUnplaced(Plan p) {
        List<String> problems = check(p, false);
        if (!problems.isEmpty()) {
            throw new PlanVerifyException(p.name(), problems);
        }
    }

    /** Every problem of the plan; empty when it is valid. */
    public static List<String> check(Plan p) {
        return check(p, true);
    }

    private static List<String> check(Plan p, boolean placed) {
        List<String> out = new ArrayList<>();
        Map<String, Buffer> buffers = new HashMap<>();
        for (Buffer b : p.buffers()) {
            if (buffers.putIfAbsent(b.name(), b) != null) {
                out.add("buffer %" + b.name() + " is declared twice");
            }
        }
        Set<String> kernelNames = new HashSet<>();
        for (Kernel k : p.kernels()) {
            if (!kernelNames.add(k.name())) {
                out.add("kernel " + k.name() + " is declared twice");
            }
            body(k, buffers, out);
        }
        order(p, buffers, out);
        bindings(p, buffers, out);
        updates(p, buffers, out);
        if (placed) {
            arena(p, out);
        }
        return out;
    }

    private static void body(Kernel k, Map<String, Buffer> buffers, List<String> out) {
        String where = "kernel " + k.name() + ": ";
        for (String r : k.reads()) {
            if (!buffers.containsKey(r)) {
                out.add(where + "reads %" + r + ", which is no buffer");
            }
        }
        Map<String, TensorType> defined = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (Node n : k.body()) {
            if (n.op() instanceof Input || n.op() instanceof Parameter || n.op() instanceof Assign) {
                out.add(where + "expected a computing node in the body, found " + n.op().mnemonic() + " in '"
                        + Printer.node(n) + "'");
                continue;
            }
            List<TensorType> types = new ArrayList<>();
            for (String in : n.inputs()) {
                TensorType t = defined.get(in);
                if (t == null && k.reads().contains(in) && buffers.containsKey(in)) {
                    t = buffers.get(in).type();
                    used.add(in);
                }
                if (t == null) {
                    out.add(where + "operand %" + in + " of '" + Printer.node(n)
                            + "' is neither an earlier body node nor a buffer the kernel reads " + k.reads());
                }
                types.add(t);
            }
            if (!types.contains(null)) {
                try {
                    TensorType inferred = n.op().infer(types);
                    if (!inferred.equals(n.type())) {
                        out.add(where + "'" + Printer.node(n) + "': expected type " + inferred + " from " + types
                                + ", found " + n.type());
                    }
                } catch (IrException | IllegalArgumentException e) {
                    out.add(where + "'" + Printer.node(n) + "': " + e.getMessage());
                }
            }
            if (defined.put(n.name(), n.type()) != null) {
                out.add(where + "body node %" + n.name() + " is defined twice");
            }
        }
        for (String r : k.reads()) {
            if (!used.contains(r)) {
                out.add(where + "reads %" + r + " but its body never uses it");
            }
        }
        long read = 0;
        long written = 0;
        for (String r : k.reads()) {
            read += buffers.containsKey(r) ? buffers.get(r).bytes() : 0;
        }
        for (String w : k.writes()) {
            Buffer b = buffers.get(w);
            if (b == null) {
                out.add(where + "writes %" + w + ", which is no buffer");
                continue;
            }
            written += b.bytes();
            TensorType t = defined.get(w);
            if (t == null) {
                out.add(where + "writes %" + w + " but no body node computes it (body: " + k.nodes() + ")");
            } else if (!t.equals(b.type())) {
                out.add(where + "writes %" + w + " : " + t + " into buffer %" + w + " : " + b.type());
            }
        }
        if (read != k.bytesRead() || written != k.bytesWritten()) {
            out.add(where + "expected bytes_read=" + read + " bytes_written=" + written + " (the sizes of its buffers),"
                    + " found bytes_read=" + k.bytesRead() + " bytes_written=" + k.bytesWritten());
        }
    }

    private static void order(Plan p, Map<String, Buffer> buffers, List<String> out) {
        Set<String> ready = new HashSet<>();
        for (Buffer b : p.buffers()) {
            if (b.storage() == Storage.INPUT || b.storage() == Storage.PARAMETER) {
                ready.add(b.name());
            }
        }
        Set<String> assigned = p.assignedParameterBuffers();
        boolean stepStarted = false;
        for (Kernel k : p.kernels()) {
            for (String r : k.reads()) {
                if (buffers.containsKey(r) && !ready.contains(r)) {
                    out.add("kernel " + k.name() + " reads %" + r + " before any kernel writes it");
                }
            }
            boolean load = p.isLoadTime(k);
            if (load) {
                if (stepStarted) {
                    out.add("kernel " + k.name() + " writes packed buffers after a step kernel; expected the"
                            + " load-time kernels first");
                }
                for (String r : k.reads()) {
                    Buffer b = buffers.get(r);
                    boolean fromParameters = b != null
                            && ((b.storage() == Storage.PARAMETER && !assigned.contains(r))
                                    || b.storage() == Storage.PACKED);
                    if (b != null && !fromParameters) {
                        out.add("load-time kernel " + k.name() + " reads %" + r + " ("
                                + b.storage().text()
                                + (assigned.contains(r) ? ", assigned by this plan" : "")
                                + "); expected only parameters this plan never assigns, and packed buffers");
                    }
                }
            } else {
                stepStarted = true;
            }
            for (String w : k.writes()) {
                Buffer b = buffers.get(w);
                boolean writable = b != null
                        && (load
                                ? b.storage() == Storage.PACKED
                                : b.storage() == Storage.ARENA || b.storage() == Storage.UPDATE);
                if (b != null && !writable) {
                    out.add("kernel " + k.name() + " writes %" + w + ", a "
                            + b.storage().text() + " buffer; expected"
                            + (load
                                    ? " only packed buffers from a load-time kernel"
                                    : " an arena or update buffer (state changes only through assign bindings)"));
                } else if (b != null && !ready.add(w)) {
                    out.add("kernel " + k.name() + " writes %" + w + " again; expected each buffer written once");
                }
            }
        }
        for (Binding b : p.bindings()) {
            if (!buffers.containsKey(b.buffer())) {
                out.add(b.role().text() + " " + b.name() + " is bound to %" + b.buffer() + ", which is no buffer");
            } else if (!ready.contains(b.buffer())) {
                out.add(b.role().text() + " " + b.name() + " is bound to %" + b.buffer() + ", which no kernel writes");
            }
        }
    }

    private static void bindings(Plan p, Map<String, Buffer> buffers, List<String> out) {
        Map<String, Integer> boundState = new HashMap<>();
        Map<String, String> parameters = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Binding b : p.bindings()) {
            if (!seen.add(b.role().text() + " " + b.name())) {
                out.add(b.role().text() + " " + b.name() + " is bound twice");
            }
            Buffer buf = buffers.get(b.buffer());
            switch (b.role()) {
                case INPUT, PARAMETER -> {
                    Storage want = b.role() == Binding.Role.INPUT ? Storage.INPUT : Storage.PARAMETER;
                    if (buf != null && buf.storage() != want) {
                        out.add(b.role().text() + " " + b.name() + ": expected a " + want.text() + " buffer, found %"
                                + buf.name() + " in " + buf.storage().text());
                    }
                    boundState.merge(b.buffer(), 1, Integer::sum);
                    if (b.role() == Binding.Role.PARAMETER) {
                        parameters.put(b.name(), b.buffer());
                    }
                }
                case OUTPUT, ASSIGN -> {}
            }
        }
        for (Buffer b : p.buffers()) {
            int n = boundState.getOrDefault(b.name(), 0);
            if ((b.storage() == Storage.INPUT || b.storage() == Storage.PARAMETER) && n != 1) {
                out.add(b.storage().text() + " buffer %" + b.name() + ": expected exactly one "
                        + b.storage().text() + " binding, found " + n);
            }
        }
        for (Binding b : p.bindings(Binding.Role.ASSIGN)) {
            String param = parameters.get(b.name());
            if (param == null) {
                out.add("assign " + b.name() + " targets no parameter binding (parameters: "
                        + parameters.keySet().stream().sorted().toList() + ")");
            } else if (buffers.containsKey(param)
                    && buffers.containsKey(b.buffer())
                    && !buffers.get(param).type().equals(buffers.get(b.buffer()).type())) {
                out.add("assign " + b.name() + ": expected a value of the parameter's type "
                        + buffers.get(param).type() + ", found %" + b.buffer() + " : "
                        + buffers.get(b.buffer()).type());
            }
        }
    }

    private static void updates(Plan p, Map<String, Buffer> buffers, List<String> out) {
        Map<String, String> updateOf = new HashMap<>();
        for (Buffer b : p.buffers()) {
            if (b.storage() != Storage.UPDATE) {
                continue;
            }
            long assigns = p.bindings(Binding.Role.ASSIGN).stream()
                    .filter(a -> a.buffer().equals(b.name()))
                    .count();
            var param = p.updatedParameter(b.name());
            if (assigns != 1 || param.isEmpty()) {
                out.add("update buffer %" + b.name() + ": expected the value of exactly one assign to a bound"
                        + " parameter, found " + assigns + " assign" + (assigns == 1 ? "" : "s"));
                continue;
            }
            String other = updateOf.put(param.get(), b.name());
            if (other != null) {
                out.add("update buffers %" + other + " and %" + b.name() + " both write parameter %" + param.get());
            }
            String value = b.name();
            p.readAfterWrite(value, param.get())
                    .ifPresent(reader -> out.add("update buffer %" + value + " overwrites parameter %" + param.get()
                            + " in kernel " + writerOf(p, value) + ", but kernel " + reader.name()
                            + " reads the parameter's old value after it"));
        }
    }

    private static String writerOf(Plan p, String buffer) {
        return p.kernels().stream()
                .filter(k -> k.writes().contains(buffer))
                .map(Kernel::name)
                .findFirst()
                .orElse("?");
    }

    private static void arena(Plan p, List<String> out) {
        List<Buffer> placed = new ArrayList<>();
        for (Buffer b : p.buffers()) {
            if (b.storage() != Storage.ARENA) {
                continue;
            }
            if (!b.isPlaced()) {
                out.add("arena buffer %" + b.name() + " has no offset (memory planning has not run)");
            } else if (b.offset() % Buffer.ALIGNMENT != 0) {
                out.add("arena buffer %" + b.name() + ": expected an offset that is a multiple of " + Buffer.ALIGNMENT
                        + ", found " + b.offset());
            } else if (b.offset() + b.bytes() > p.arenaBytes()) {
                out.add("arena buffer %" + b.name() + " at [" + b.offset() + ", " + (b.offset() + b.bytes())
                        + ") ends past the arena of " + p.arenaBytes() + " bytes");
            } else {
                placed.add(b);
            }
        }
        Map<String, Liveness.Interval> live = Liveness.of(p);
        Map<String, String> inPlace = InPlace.pairs(p);
        for (int i = 0; i < placed.size(); i++) {
            for (int j = i + 1; j < placed.size(); j++) {
                Buffer a = placed.get(i);
                Buffer b = placed.get(j);
                Liveness.Interval la = live.get(a.name());
                Liveness.Interval lb = live.get(b.name());
                boolean bytes = a.offset() < b.offset() + b.bytes() && b.offset() < a.offset() + a.bytes();
                boolean reuse =
                        a.name().equals(inPlace.get(b.name())) || b.name().equals(inPlace.get(a.name()));
                if (bytes && !reuse && la != null && lb != null && la.overlaps(lb)) {
                    out.add("arena buffers %" + a.name() + " " + range(a) + " and %" + b.name() + " " + range(b)
                            + " overlap while both are live (steps " + la.first() + ".." + la.last() + " and "
                            + lb.first() + ".." + lb.last() + ")");
                }
            }
        }
    }

    private static String range(Buffer b) {
        return "[" + b.offset() + ", " + (b.offset() + b.bytes()) + ")";
    }
}
