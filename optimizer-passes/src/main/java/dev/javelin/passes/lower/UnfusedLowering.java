package dev.javelin.passes.lower;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.memory.MemoryPlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graph to plan with one kernel per primitive (the {@code --no-fusion} mode benchmarks compare
 * against). Each buffer is named after the node whose value it holds. Inputs and parameters get
 * input and parameter buffers; every other computing node gets a kernel and an arena buffer.
 * Constants are literals: copied into the body of each kernel that uses them, and materialized by
 * a kernel of their own only when an output or an assign needs the value in a buffer. An {@code
 * assign} is no kernel: it binds its parameter to the buffer of its value, and its uses read that
 * buffer. Dead nodes are kept (removing them is the simplifier's job).
 */
public final class UnfusedLowering {
    private final Graph g;
    private final Map<String, Node> nodes = new HashMap<>();
    private final List<Buffer> buffers = new ArrayList<>();
    private final Map<String, Buffer> byName = new HashMap<>();
    private final List<Kernel> kernels = new ArrayList<>();

    private UnfusedLowering(Graph g) {
        this.g = g;
        g.nodes().forEach(n -> nodes.put(n.name(), n));
    }

    /** The unfused plan of {@code graph} for the given sizes of its symbolic dimensions, memory planned. */
    public static Plan plan(Graph graph, Map<String, Long> sizes) {
        return MemoryPlanner.plan(lower(graph, sizes));
    }

    /** The unfused plan before memory planning: arena buffers have no offsets and the arena is empty. */
    public static Plan lower(Graph graph, Map<String, Long> sizes) {
        return new UnfusedLowering(Specialize.graph(graph, sizes)).run(sizes);
    }

    private Plan run(Map<String, Long> sizes) {
        List<Binding> bindings = new ArrayList<>();
        List<Binding> assigns = new ArrayList<>();
        Set<String> materialize = new LinkedHashSet<>();
        for (Output o : g.outputs()) {
            materialize.add(resolve(o.node()));
        }
        for (Node n : g.nodes()) {
            if (n.op() instanceof Assign) {
                materialize.add(resolve(n.name()));
            }
        }
        for (Node n : g.nodes()) {
            switch (n.op()) {
                case Input _ -> {
                    addBuffer(n.name(), n.type(), Storage.INPUT);
                    bindings.add(new Binding(Binding.Role.INPUT, n.name(), n.name()));
                }
                case Parameter _ -> {
                    addBuffer(n.name(), n.type(), Storage.PARAMETER);
                    bindings.add(new Binding(Binding.Role.PARAMETER, n.name(), n.name()));
                }
                case Assign _ ->
                    assigns.add(new Binding(
                            Binding.Role.ASSIGN,
                            n.inputs().get(0),
                            resolve(n.inputs().get(1))));
                case Constant _ -> {
                    if (materialize.contains(n.name())) {
                        kernel(n);
                    }
                }
                default -> kernel(n);
            }
        }
        for (Output o : g.outputs()) {
            bindings.add(new Binding(Binding.Role.OUTPUT, o.name(), resolve(o.node())));
        }
        bindings.addAll(assigns);
        return new Plan(g.name(), sizes, 0, buffers, kernels, bindings);
    }

    /** The node whose buffer holds {@code name}'s value: an assign's value is its second operand's. */
    private String resolve(String name) {
        Node n = nodes.get(name);
        return n.op() instanceof Assign ? resolve(n.inputs().get(1)) : name;
    }

    private boolean isConstant(String name) {
        return nodes.get(name).op() instanceof Constant;
    }

    private void addBuffer(String name, TensorType type, Storage storage) {
        Buffer b = Buffer.of(name, type, storage);
        buffers.add(b);
        byName.put(name, b);
    }

    /** One kernel computing {@code n}, with the constants it uses copied into its body. */
    private void kernel(Node n) {
        List<String> operands = n.inputs().stream().map(this::resolve).toList();
        List<Node> body = new ArrayList<>();
        Set<String> reads = new LinkedHashSet<>();
        for (String o : operands) {
            if (isConstant(o)) {
                Node c = nodes.get(o);
                if (!body.contains(c)) {
                    body.add(c);
                }
            } else {
                reads.add(o);
            }
        }
        Node main = new Node(n.name(), n.op(), operands, n.type(), n.loc());
        body.add(main);
        addBuffer(n.name(), n.type(), Storage.ARENA);
        long bytesRead = reads.stream().mapToLong(r -> byName.get(r).bytes()).sum();
        List<TensorType> types = operands.stream().map(o -> nodes.get(o).type()).toList();
        String name = "k" + kernels.size() + "_" + n.op().mnemonic();
        kernels.add(new Kernel(
                name,
                Costs.kind(n),
                List.copyOf(reads),
                List.of(n.name()),
                body,
                Costs.flops(main, types),
                bytesRead,
                byName.get(n.name()).bytes()));
    }
}
