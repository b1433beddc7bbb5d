package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import java.util.HashSet;
import java.util.Set;

/**
 * Fresh node names for a pass: the numbers after the largest numeric name of the graph, skipping
 * any name in use. Names depend only on the graph and the order of requests, so passes stay
 * deterministic.
 */
final class Names {
    private final Set<String> used = new HashSet<>();
    private long next;

    Names(Graph g) {
        long max = -1;
        for (Node n : g.nodes()) {
            used.add(n.name());
            if (n.name().chars().allMatch(Character::isDigit) && n.name().length() < 18) {
                max = Math.max(max, Long.parseLong(n.name()));
            }
        }
        next = max + 1;
    }

    String fresh() {
        while (used.contains(Long.toString(next))) {
            next++;
        }
        String n = Long.toString(next++);
        used.add(n);
        return n;
    }
}
