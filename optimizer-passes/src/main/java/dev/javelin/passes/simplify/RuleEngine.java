package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.DefUse;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphEditor;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.text.Printer;
import dev.javelin.passes.pipeline.Pass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a list of {@link Rule}s to a fixed point, as a pass. Each sweep walks the nodes in order;
 * at each node the first rule (in list order) that matches rewrites it, and the node is offered
 * to the rules again until none matches. Sweeps repeat until one changes nothing.
 *
 * <p>Guarantees: when it returns, no rule matches any node; every replacement had the replaced
 * node's exact type; a node replaced by a new node keeps its name and source location, and a node
 * replaced by an existing value is removed with its uses (and outputs) rewired. Nodes left unused
 * stay (dead-code elimination removes them). Fails loudly with a {@link NonConvergenceException}
 * naming the rules that kept firing if one node is rewritten more than {@link #MAX_REWRITES_PER_NODE}
 * times in a sweep, or the graph still changes after {@link #MAX_SWEEPS} sweeps. Counters: {@code
 * rewrites}, and one per rule that fired, by rule name.
 */
public final class RuleEngine implements Pass {
    public static final int MAX_REWRITES_PER_NODE = 64;
    public static final int MAX_SWEEPS = 32;

    private final String name;
    private final List<Rule> rules;

    public RuleEngine(String name, List<Rule> rules) {
        this.name = name;
        this.rules = List.copyOf(rules);
        Set<String> names = new HashSet<>();
        for (Rule r : this.rules) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("two rules of " + name + " are named " + r.name());
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    public List<Rule> rules() {
        return rules;
    }

    @Override
    public Graph run(Graph g, PassContext ctx) {
        Graph current = g;
        for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
            Map<String, Integer> fired = new LinkedHashMap<>();
            Graph next = sweep(current, fired);
            if (fired.isEmpty()) {
                return current;
            }
            fired.forEach((rule, n) -> {
                ctx.count("rewrites", n);
                ctx.count(rule, n);
            });
            if (sweep == MAX_SWEEPS) {
                throw new NonConvergenceException(
                        "rules of " + name + " did not converge: the graph still changed in sweep "
                                + MAX_SWEEPS + " (bound " + MAX_SWEEPS + "); rules that fired in the last sweep: "
                                + describe(fired));
            }
            current = next;
        }
        throw new AssertionError("unreachable");
    }

    private Graph sweep(Graph g, Map<String, Integer> fired) {
        Names names = new Names(g);
        GraphEditor out = new GraphEditor();
        Aliases aliases = new Aliases();
        DefUse uses = g.defUse();
        for (Node original : g.nodes()) {
            Node n = aliases.rewire(original);
            Map<String, Integer> firedHere = new LinkedHashMap<>();
            while (n != null) {
                Match m = new Match(n, out, uses);
                Rule hit = firstMatch(m);
                if (hit == null) {
                    out.add(n);
                    break;
                }
                firedHere.merge(hit.name(), 1, Integer::sum);
                fired.merge(hit.name(), 1, Integer::sum);
                if (firedHere.values().stream().mapToInt(Integer::intValue).sum() > MAX_REWRITES_PER_NODE) {
                    throw new NonConvergenceException("rules of " + name + " did not converge: node %" + original.name()
                            + " was rewritten more than " + MAX_REWRITES_PER_NODE + " times; rules still firing: "
                            + describe(firedHere) + "\n  last form: " + Printer.node(n));
                }
                n = apply(hit, m, n, out, names, aliases);
            }
        }
        return out.build(g.name(), aliases.rewire(g.outputs()));
    }

    /** Applies {@code rule}; returns the node to offer to the rules again, or null if the node is gone. */
    private static Node apply(Rule rule, Match m, Node n, GraphEditor out, Names names, Aliases aliases) {
        Emitter e = new Emitter(out, names, n, rule.name());
        String result = rule.then().apply(m, e);
        if (result.equals(n.name())) {
            throw new IllegalStateException(
                    "rule " + rule.name() + " (" + rule.pattern() + ") replaced %" + n.name() + " with itself");
        }
        var type = e.typeOf(result);
        if (!type.equals(n.type())) {
            throw new IllegalStateException("rule " + rule.name() + " (" + rule.pattern() + ") replaced %" + n.name()
                    + " : " + n.type() + " with %" + result + " : " + type + "; expected the same type");
        }
        List<Node> emitted = e.emitted();
        Node last = emitted.isEmpty() ? null : emitted.getLast();
        if (last != null && last.name().equals(result)) {
            for (Node x : emitted.subList(0, emitted.size() - 1)) {
                out.add(x);
            }
            // The replacement takes over the matched node's name, so names stay stable.
            return new Node(n.name(), last.op(), last.inputs(), last.type(), n.loc());
        }
        for (Node x : emitted) {
            out.add(x);
        }
        aliases.replace(n.name(), result);
        return null;
    }

    private Rule firstMatch(Match m) {
        for (Rule r : rules) {
            if (r.when().test(m)) {
                return r;
            }
        }
        return null;
    }

    private static String describe(Map<String, Integer> fired) {
        return fired.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + "x)")
                .collect(Collectors.joining(", "));
    }
}
