package dev.javelin.passes.simplify;

import java.util.function.Predicate;

/**
 * One local rewrite, as data: a name (in counters and errors), the pattern in words (for docs and
 * reports), a matcher over one node and its operands' producers, and the rewrite that gives the
 * value replacing the node. The rewrite's value must have exactly the node's type; the engine
 * checks that and fails naming the rule otherwise.
 *
 * @param name short kebab-case name, unique in a rule list, e.g. {@code mul-by-one}
 * @param pattern the rewrite in words, e.g. {@code mul(x, 1) -> x}
 * @param when whether the rule applies to the matched node
 * @param then the replacement: the name of an existing value, or of a node emitted through the
 *     {@link Emitter}
 */
public record Rule(String name, String pattern, Predicate<Match> when, Rewrite then) {
    /** Builds the replacement of a matched node. */
    @FunctionalInterface
    public interface Rewrite {
        /** The name of the value that replaces {@code m.node()}. */
        String apply(Match m, Emitter e);
    }

    public Rule {
        if (name == null || !name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("rule name must be kebab-case, got '" + name + "'");
        }
        if (pattern == null || when == null || then == null) {
            throw new IllegalArgumentException("rule " + name + " needs a pattern, a matcher and a rewrite");
        }
    }
}
