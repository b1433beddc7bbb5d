package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.interp.InterpreterException;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs a plan in float64 the way a backend would: inputs and parameters in their own storage,
 * every arena buffer read from and written to its offset in one real arena ({@link Arena}), the
 * kernels in order (the load-time kernels, which fill the packed buffers, first: as a runtime does
 * when it loads parameters), each body node evaluated by the reference interpreter's rules ({@link
 * Interpreter#evaluate}); outputs and assigns are copied out after the last kernel. Comparing it
 * with {@link Interpreter#run} on the graph checks lowering, fusion and memory planning together:
 * two live buffers that share arena bytes give wrong numbers or a torn-element error.
 *
 * <p>Feeds are by input name and parameter path, one per input and parameter binding, each of
 * exactly the buffer's type (a plan is for concrete sizes).
 */
public final class PlanInterpreter {
    private PlanInterpreter() {}

    public static Interpreter.Result run(Plan plan, Map<String, NdArray> feeds) {
        PlanVerifier.verify(plan);
        Map<String, NdArray> state = bindFeeds(plan, feeds);
        Arena arena = new Arena(plan.arenaBytes());
        for (Kernel k : plan.kernels()) {
            Map<String, NdArray> env = new HashMap<>();
            for (String r : k.reads()) {
                env.put(r, load(plan, plan.buffer(r), state, arena));
            }
            for (Node n : k.body()) {
                List<NdArray> args = n.inputs().stream().map(env::get).toList();
                env.put(n.name(), Interpreter.evaluate(n, args, plan.sizes()));
            }
            for (String w : k.writes()) {
                Buffer b = plan.buffer(w);
                if (b.storage() == Storage.ARENA) {
                    arena.write(b, env.get(w));
                } else {
                    state.put(home(plan, b), copy(env.get(w)));
                }
            }
        }
        Map<String, NdArray> outputs = new LinkedHashMap<>();
        for (Binding b : plan.bindings(Binding.Role.OUTPUT)) {
            outputs.put(b.name(), load(plan, plan.buffer(b.buffer()), state, arena));
        }
        Map<String, NdArray> updated = new LinkedHashMap<>();
        for (Binding b : plan.bindings(Binding.Role.ASSIGN)) {
            updated.put(b.name(), load(plan, plan.buffer(b.buffer()), state, arena));
        }
        return new Interpreter.Result(outputs, updated);
    }

    private static NdArray load(Plan plan, Buffer b, Map<String, NdArray> state, Arena arena) {
        long[] shape = b.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
        return b.storage() == Storage.ARENA ? arena.read(b, shape) : copy(state.get(home(plan, b)));
    }

    /**
     * Where a buffer outside the arena is kept: an update buffer in its parameter's storage, as a
     * backend writes it (so a kernel reading the parameter after the update would see the new value
     * here too, and differ from the graph interpreter), anything else under its own name.
     */
    private static String home(Plan plan, Buffer b) {
        return b.storage() == Storage.UPDATE ? plan.updatedParameter(b.name()).orElseThrow() : b.name();
    }

    private static NdArray copy(NdArray a) {
        NdArray c = NdArray.zeros(a.dtype(), a.shape());
        for (int i = 0; i < a.size(); i++) {
            if (a.dtype().isInteger()) {
                c.setLong(i, a.getLong(i));
            } else {
                c.set(i, a.get(i));
            }
        }
        return c;
    }

    /** Input and parameter buffers by buffer name, after checking each feed against its binding. */
    private static Map<String, NdArray> bindFeeds(Plan plan, Map<String, NdArray> feeds) {
        List<Binding> fed = new ArrayList<>(plan.bindings(Binding.Role.INPUT));
        fed.addAll(plan.bindings(Binding.Role.PARAMETER));
        Map<String, NdArray> state = new HashMap<>();
        for (Binding b : fed) {
            NdArray v = feeds.get(b.name());
            Buffer buf = plan.buffer(b.buffer());
            if (v == null) {
                throw new InterpreterException(
                        "plan " + plan.name() + ": no feed for " + b.role().text() + " " + b.name() + " : " + buf.type()
                                + " (fed: " + new TreeSet<>(feeds.keySet()) + ")");
            }
            if (!v.type().equals(buf.type())) {
                throw new InterpreterException("plan " + plan.name() + ": "
                        + b.role().text() + " " + b.name()
                        + ": expected " + buf.type() + ", found " + v.type() + " (shape " + Arrays.toString(v.shape())
                        + ")");
            }
            state.put(b.buffer(), copy(v));
        }
        for (String name : feeds.keySet()) {
            if (fed.stream().noneMatch(b -> b.name().equals(name))) {
                throw new InterpreterException(
                        "plan " + plan.name() + ": feed '" + name + "' names no input or" + " parameter (expected "
                                + fed.stream().map(Binding::name).toList() + ")");
            }
        }
        return state;
    }
}
