package dev.javelin.compiler.aot;

import com.github.javaparser.ast.Node;
import dev.javelin.JavelinException;

/** The DSL method could not be evaluated at {@code node}: an unsupported construct or a DSL error there. */
final class EvalException extends JavelinException {
    private final transient Node node;

    EvalException(Node node, String message) {
        super(message);
        this.node = node;
    }

    Node node() {
        return node;
    }
}
