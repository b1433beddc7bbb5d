package dev.javelin.ir.text;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.Graph;

/** Checks the text form's promise for one graph: print, parse back equal, print again identically. */
public final class RoundTrip {
    private RoundTrip() {}

    /** Returns the printed text, or throws an {@link IrException} saying where the round trip broke. */
    public static String check(Graph g) {
        String text = Printer.print(g);
        Graph back;
        try {
            back = Parser.parse(text, "<printed " + g.name() + ">");
        } catch (ParseException e) {
            throw new IrException("the printed form of graph " + g.name() + " does not parse: " + e.getMessage(), e);
        }
        String again = Printer.print(back);
        if (!again.equals(text)) {
            throw new IrException("printing graph " + g.name() + " is not a fixed point; first difference at line "
                    + firstDifferentLine(text, again) + "\n--- printed\n" + text + "--- parsed and printed again\n"
                    + again);
        }
        if (!back.equals(g)) {
            throw new IrException(
                    "graph " + g.name() + " parses back to a different graph from the same text:\n" + text);
        }
        return text;
    }

    private static int firstDifferentLine(String a, String b) {
        String[] la = a.split("\n", -1);
        String[] lb = b.split("\n", -1);
        for (int i = 0; i < Math.min(la.length, lb.length); i++) {
            if (!la[i].equals(lb[i])) {
                return i + 1;
            }
        }
        return Math.min(la.length, lb.length) + 1;
    }
}
