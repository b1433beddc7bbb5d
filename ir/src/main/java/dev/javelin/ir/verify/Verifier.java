package dev.javelin.ir.verify;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.OpTypeError;
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
 * Checks every invariant the graph IR promises. Passes may rely on all of them; the verifier runs
 * after every pass when verification is on (always in tests).
 *
 * <ol>
 *   <li><b>unique names</b>: no two nodes share a name; no two outputs share a name.
 *   <li><b>defined uses</b>: every operand and every output names a node of the graph.
 *   <li><b>acyclic</b>: no node depends on itself through its operands (the cycle is reported).
 *   <li><b>definition order</b>: every node comes after the nodes it uses (SSA order), so walking
 *       the node list is a topological walk.
 *   <li><b>types</b>: every node's op accepts its operands' types, and the node's recorded type is
 *       exactly the type the op infers from them.
 *   <li><b>state updates</b>: an {@code assign}'s first operand is a {@code parameter}; each
 *       parameter is assigned at most once per graph.
 * </ol>
 *
 * All problems are collected and reported together, each with the node's line and its neighbours
 * from the text form.
 */
public final class Verifier {
    private Verifier() {}

    /** One broken invariant: which, where, and a few lines of IR around it. */
    public record Problem(String invariant, String node, String message, String context) {}

    /** Throws a {@link VerifyException} listing every problem, or returns if there are none. */
    public static void verify(Graph g) {
        List<Problem> problems = check(g);
        if (!problems.isEmpty()) {
            throw new VerifyException(g.name(), problems);
        }
    }

    /** Every problem of the graph, in node order; empty when it is valid. */
    public static List<Problem> check(Graph g) {
        List<Problem> out = new ArrayList<>();
        List<String> lines = g.nodes().stream().map(Printer::node).toList();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < g.nodes().size(); i++) {
            Node n = g.nodes().get(i);
            if (index.putIfAbsent(n.name(), i) != null) {
                out.add(problem(
                        "unique names",
                        n.name(),
                        "node %" + n.name() + " is defined twice (first at node #" + index.get(n.name())
                                + ", again at node #" + i + ")",
                        lines,
                        i));
            }
        }
        boolean cyclic = reportCycles(g, index, lines, out);
        Set<String> assigned = new HashSet<>();
        for (int i = 0; i < g.nodes().size(); i++) {
            Node n = g.nodes().get(i);
            boolean operandsOk = true;
            for (String in : n.inputs()) {
                Integer at = index.get(in);
                if (at == null) {
                    out.add(problem(
                            "defined uses",
                            n.name(),
                            "node %" + n.name() + " uses %" + in + ", which is not defined",
                            lines,
                            i));
                    operandsOk = false;
                } else if (at >= i && !cyclic) {
                    out.add(problem(
                            "definition order",
                            n.name(),
                            "node %" + n.name() + " uses %" + in + " before its definition (node #" + at + ")",
                            lines,
                            i));
                }
            }
            if (operandsOk) {
                checkType(g, n, lines, i, out);
                checkAssign(g, n, assigned, lines, i, out);
            }
        }
        Set<String> outNames = new HashSet<>();
        for (Output o : g.outputs()) {
            if (!outNames.add(o.name())) {
                out.add(new Problem("unique names", o.node(), "output '" + o.name() + "' is defined twice", ""));
            }
            if (!index.containsKey(o.node())) {
                out.add(new Problem(
                        "defined uses",
                        o.node(),
                        "output '" + o.name() + "' names %" + o.node() + ", which is not defined",
                        ""));
            }
        }
        return out;
    }

    private static void checkType(Graph g, Node n, List<String> lines, int i, List<Problem> out) {
        List<TensorType> types =
                n.inputs().stream().map(in -> g.node(in).type()).toList();
        try {
            TensorType t = n.op().infer(types);
            if (!t.equals(n.type())) {
                out.add(problem(
                        "types",
                        n.name(),
                        "node %" + n.name() + " (" + n.op().mnemonic() + ") is declared " + n.type()
                                + " but its operands give " + t,
                        lines,
                        i));
            }
        } catch (OpTypeError e) {
            out.add(problem(
                    "types",
                    n.name(),
                    "node %" + n.name() + " (" + n.op().mnemonic() + " of " + types + "): " + e.getMessage(),
                    lines,
                    i));
        } catch (ArithmeticException | IllegalArgumentException e) {
            // Parsed text can hold sizes whose products or sums overflow a long (a sum wraps to a
            // negative size, which Dim refuses with an IllegalArgumentException).
            out.add(problem(
                    "types",
                    n.name(),
                    "node %" + n.name() + " (" + n.op().mnemonic() + " of " + types + "): sizes too large ("
                            + e.getMessage() + ")",
                    lines,
                    i));
        }
    }

    private static void checkAssign(
            Graph g, Node n, Set<String> assigned, List<String> lines, int i, List<Problem> out) {
        if (!(n.op() instanceof Assign) || n.inputs().size() != 2) {
            return;
        }
        Node target = g.node(n.inputs().get(0));
        if (!(target.op() instanceof Parameter)) {
            out.add(problem(
                    "state updates",
                    n.name(),
                    "assign %" + n.name() + " targets %" + target.name() + ", "
                            + article(target.op().mnemonic()) + "; only parameters can be assigned",
                    lines,
                    i));
        } else if (!assigned.add(target.name())) {
            out.add(problem(
                    "state updates",
                    n.name(),
                    "parameter %" + target.name() + " is assigned more than once (again by %" + n.name() + ")",
                    lines,
                    i));
        }
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    /** Reports each cycle once, as a path {@code %a -> %b -> %a}; true if there was any. */
    private static boolean reportCycles(Graph g, Map<String, Integer> index, List<String> lines, List<Problem> out) {
        int n = g.nodes().size();
        int[] state = new int[n]; // 0 new, 1 on the stack, 2 done
        boolean found = false;
        for (int root = 0; root < n; root++) {
            if (state[root] != 0) {
                continue;
            }
            // Iterative DFS: a model's graph can be deeper than the thread stack.
            List<int[]> stack = new ArrayList<>();
            stack.add(new int[] {root, 0});
            state[root] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.get(stack.size() - 1);
                Node node = g.nodes().get(top[0]);
                if (top[1] < node.inputs().size()) {
                    Integer next = index.get(node.inputs().get(top[1]++));
                    if (next == null) {
                        continue;
                    }
                    if (state[next] == 1) {
                        found = true;
                        out.add(cycle(g, stack, next, lines));
                    } else if (state[next] == 0) {
                        state[next] = 1;
                        stack.add(new int[] {next, 0});
                    }
                } else {
                    state[top[0]] = 2;
                    stack.remove(stack.size() - 1);
                }
            }
        }
        return found;
    }

    private static Problem cycle(Graph g, List<int[]> stack, int start, List<String> lines) {
        StringBuilder path = new StringBuilder();
        boolean on = false;
        for (int[] f : stack) {
            on |= f[0] == start;
            if (on) {
                path.append('%').append(g.nodes().get(f[0]).name()).append(" -> ");
            }
        }
        path.append('%').append(g.nodes().get(start).name());
        String name = g.nodes().get(start).name();
        return problem("acyclic", name, "cycle: " + path + " (each uses the next)", lines, start);
    }

    private static Problem problem(String invariant, String node, String message, List<String> lines, int at) {
        StringBuilder ctx = new StringBuilder();
        for (int j = Math.max(0, at - 2); j <= Math.min(lines.size() - 1, at + 2); j++) {
            ctx.append(j == at ? "> " : "  ").append(lines.get(j)).append('\n');
        }
        return new Problem(invariant, node, message, ctx.toString());
    }
}
