package dev.javelin.compiler.aot;

import com.github.javaparser.Position;
import com.github.javaparser.ast.Node;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports a message at a JavaParser node as a javac diagnostic at the same place: the javac tree
 * that spans exactly the node's characters (the innermost such tree), so the error lands on the
 * DSL call itself, with javac's own line and column, as an IDE shows it while the user types.
 */
final class Positions {
    private Positions() {}

    static void error(Trees trees, CompilationUnitTree unit, Element fallback, Node node, String message) {
        Tree tree = node == null ? null : find(trees, unit, node);
        if (tree != null) {
            trees.printMessage(Diagnostic.Kind.ERROR, message, tree, unit);
        } else {
            trees.printMessage(Diagnostic.Kind.ERROR, message, trees.getTree(fallback), unit);
        }
    }

    /** The innermost javac tree starting and ending where {@code node} does. */
    static Tree find(Trees trees, CompilationUnitTree unit, Node node) {
        if (node.getRange().isEmpty()) {
            return null;
        }
        LineMap lines = unit.getLineMap();
        Position begin = node.getRange().get().begin;
        Position end = node.getRange().get().end;
        long start = lines.getPosition(begin.line, begin.column);
        long stop = lines.getPosition(end.line, end.column) + 1;
        SourcePositions positions = trees.getSourcePositions();
        Tree[] best = new Tree[1];
        new TreeScanner<Void, Void>() {
            @Override
            public Void scan(Tree t, Void v) {
                if (t == null) {
                    return null;
                }
                long s = positions.getStartPosition(unit, t);
                long e = positions.getEndPosition(unit, t);
                if (s == start && e == stop) {
                    best[0] = t;
                }
                if (s <= start && (e >= stop || e < 0)) {
                    return super.scan(t, v);
                }
                return null;
            }
        }.scan(unit, null);
        return best[0];
    }
}
