package dev.javelin.passes.lower;

import dev.javelin.ir.graph.DefUse;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A specialized (static) graph and a {@link Partition} to a plan: one kernel per group, in the
 * partition's order, each buffer named after the node whose value it holds. A group writes every
 * member that another kernel, an output or an assign needs (a group with no such member writes its
 * last node). Constants are literals in every body that uses them, even when a group of their own
 * materializes one for an output. Folded nodes (constants, views, iota outside every group) are copied into the body
 * of each kernel that uses them, together with the folded nodes they depend on; a kernel reads
 * the buffers of everything else. An {@code assign} is no kernel: it binds its parameter to the
 * buffer of its value, and its uses read that buffer. Memory is not planned here.
 */
public final class Lowering {
    private final Graph g;
    private final DefUse nodes;
    private final Map<String, Integer> groupOf = new HashMap<>();
    private final Map<String, Set<Integer>> readBy = new HashMap<>();
    private final Set<String> materialized;
    private final List<Buffer> buffers = new ArrayList<>();
    private final Map<String, Buffer> byName = new HashMap<>();

    private Lowering(Graph g, Partition p) {
        this.g = g;
        this.nodes = g.defUse();
        for (int i = 0; i < p.groups().size(); i++) {
            for (String m : p.groups().get(i).members()) {
                if (!nodes.defines(m)) {
                    throw new IllegalArgumentException("partition names %" + m + ", which is not in graph " + g.name());
                }
                if (groupOf.put(m, i) != null) {
                    throw new IllegalArgumentException("partition puts %" + m + " in two groups");
                }
            }
        }
        this.materialized = new HashSet<>(materialized(g));
    }

    /** The plan of {@code graph} (already specialized to {@code sizes}) for partition {@code p}. */
    public static Plan plan(Graph graph, Partition p, Map<String, Long> sizes) {
        return new Lowering(graph, p).run(p, sizes);
    }

    /** The nodes whose values an output or an assign needs in a buffer, in first-needed order. */
    public static List<String> materialized(Graph g) {
        DefUse defs = g.defUse();
        Set<String> out = new LinkedHashSet<>();
        for (Output o : g.outputs()) {
            out.add(defs.throughAssigns(o.node()));
        }
        for (Node n : g.nodes()) {
            if (n.op() instanceof Assign) {
                out.add(defs.throughAssigns(n.name()));
            }
        }
        return List.copyOf(out);
    }

    /** The node whose buffer holds {@code name}'s value: an assign's value is its second operand's. */
    private String resolve(String name) {
        return nodes.throughAssigns(name);
    }

    private boolean folded(String name) {
        OpClass c = OpClass.of(nodes.producer(name).op());
        return c != OpClass.SOURCE && c != OpClass.ASSIGN && !groupOf.containsKey(name);
    }

    /** Whether users copy {@code name} into their bodies: folded nodes, and constants always. */
    private boolean copiedIntoUsers(String name) {
        return folded(name) || OpClass.of(nodes.producer(name).op()) == OpClass.CONSTANT;
    }

    private Plan run(Partition p, Map<String, Long> sizes) {
        for (Node n : g.nodes()) {
            if (folded(n.name())) {
                OpClass c = OpClass.of(n.op());
                if (c != OpClass.CONSTANT && c != OpClass.VIEW && c != OpClass.GENERATOR) {
                    throw new IllegalArgumentException("partition leaves %" + n.name() + " (" + n.op().mnemonic()
                            + ") in no group; only constants, views and iota can be folded into their users");
                }
                if (materialized.contains(n.name())) {
                    throw new IllegalArgumentException("partition folds %" + n.name()
                            + ", but an output or assign needs its value in a buffer; put it in a group");
                }
            }
        }
        // Which groups read each grouped node: a member is written when another group needs it.
        for (int i = 0; i < p.groups().size(); i++) {
            Set<String> direct = new LinkedHashSet<>();
            for (String m : p.groups().get(i).members()) {
                collectReads(nodes.producer(m), direct, new HashSet<>());
            }
            for (String r : direct) {
                readBy.computeIfAbsent(r, k -> new HashSet<>()).add(i);
            }
        }
        List<Binding> bindings = new ArrayList<>();
        for (Node n : g.nodes()) {
            OpClass c = OpClass.of(n.op());
            if (c == OpClass.SOURCE) {
                Storage s = n.op() instanceof dev.javelin.ir.op.Input ? Storage.INPUT : Storage.PARAMETER;
                addBuffer(n.name(), n.type(), s);
                bindings.add(new Binding(
                        s == Storage.INPUT ? Binding.Role.INPUT : Binding.Role.PARAMETER, n.name(), n.name()));
            }
        }
        List<Kernel> kernels = new ArrayList<>();
        for (int i = 0; i < p.groups().size(); i++) {
            kernels.add(kernel(i, p.groups().get(i), kernels.size()));
        }
        for (Output o : g.outputs()) {
            bindings.add(new Binding(Binding.Role.OUTPUT, o.name(), resolve(o.node())));
        }
        for (Node n : g.nodes()) {
            if (n.op() instanceof Assign) {
                bindings.add(new Binding(
                        Binding.Role.ASSIGN,
                        n.inputs().get(0),
                        resolve(n.inputs().get(1))));
            }
        }
        return new Plan(g.name(), sizes, 0, buffers, kernels, bindings);
    }

    /** The buffers {@code n} reads: its operands' values, looking through folded nodes. */
    private void collectReads(Node n, Set<String> out, Set<String> seen) {
        for (String in : n.inputs()) {
            String o = resolve(in);
            if (!seen.add(o)) {
                continue;
            }
            if (copiedIntoUsers(o)) {
                collectReads(nodes.producer(o), out, seen);
            } else if (groupOf.containsKey(o)) {
                out.add(o);
            }
        }
    }

    private Kernel kernel(int index, Partition.Group group, int position) {
        Set<String> members = new HashSet<>(group.members());
        List<Node> body = new ArrayList<>();
        Set<String> inBody = new HashSet<>();
        Set<String> reads = new LinkedHashSet<>();
        for (String m : group.members()) {
            emit(nodes.producer(m), members, body, inBody, reads);
        }
        List<String> writes = new ArrayList<>();
        for (String m : group.members()) {
            Set<Integer> readers = readBy.getOrDefault(m, Set.of());
            boolean needed = materialized.contains(m) || readers.stream().anyMatch(r -> r != index);
            if (needed) {
                writes.add(m);
            }
        }
        if (writes.isEmpty()) {
            writes.add(group.members().getLast());
        }
        long flops = 0;
        for (Node n : body) {
            List<TensorType> types =
                    n.inputs().stream().map(o -> nodes.producer(o).type()).toList();
            flops += Costs.flops(n, types);
        }
        for (String w : writes) {
            addBuffer(w, nodes.producer(w).type(), Storage.ARENA);
        }
        long bytesRead = reads.stream().mapToLong(r -> byName.get(r).bytes()).sum();
        long bytesWritten =
                writes.stream().mapToLong(w -> byName.get(w).bytes()).sum();
        List<Node> real = group.members().stream().map(nodes::producer).toList();
        Kernel.Kind kind =
                group.attention() ? Kernel.Kind.ATTENTION : kind(real, group.multiTensor() && writes.size() > 1);
        return new Kernel(name(position, real), kind, List.copyOf(reads), writes, body, flops, bytesRead, bytesWritten);
    }

    /** Adds {@code n} to the body after the folded nodes it needs; records the buffers it reads. */
    private void emit(Node n, Set<String> members, List<Node> body, Set<String> inBody, Set<String> reads) {
        if (!inBody.add(n.name())) {
            return;
        }
        List<String> operands = new ArrayList<>();
        for (String in : n.inputs()) {
            String o = resolve(in);
            operands.add(o);
            if (members.contains(o) && !copiedIntoUsers(o)) {
                continue; // an earlier member: emitted in member order
            }
            if (copiedIntoUsers(o)) {
                emit(nodes.producer(o), members, body, inBody, reads);
            } else {
                reads.add(o);
            }
        }
        body.add(new Node(n.name(), n.op(), operands, n.type(), n.loc()));
    }

    private static Kernel.Kind kind(List<Node> members, boolean multiTensor) {
        if (multiTensor) {
            return Kernel.Kind.MULTI_TENSOR;
        }
        boolean reduction = false;
        boolean computes = false;
        for (Node n : members) {
            OpClass c = OpClass.of(n.op());
            if (c == OpClass.HEAVY) {
                return Costs.kind(n);
            }
            reduction |= c == OpClass.REDUCTION;
            computes |= c != OpClass.VIEW;
        }
        return reduction ? Kernel.Kind.REDUCTION : computes ? Kernel.Kind.POINTWISE : Kernel.Kind.MOVEMENT;
    }

    /** {@code k<position>_} and the mnemonics of the first few members ({@code k3_matmul_add_max}). */
    private static String name(int position, List<Node> members) {
        StringBuilder sb = new StringBuilder("k").append(position);
        int shown = Math.min(members.size(), 4);
        for (int i = 0; i < shown; i++) {
            sb.append('_').append(members.get(i).op().mnemonic());
        }
        if (members.size() > shown) {
            sb.append("_and").append(members.size() - shown);
        }
        return sb.toString();
    }

    private void addBuffer(String name, TensorType type, Storage storage) {
        Buffer b = Buffer.of(name, type, storage);
        buffers.add(b);
        byName.put(name, b);
    }
}
