package dev.javelin.ir.plan;

import dev.javelin.ir.IrException;
import java.util.List;

/** A plan breaks one or more plan invariants; the message lists every break found. */
public final class PlanVerifyException extends IrException {
    private final List<String> problems;

    public PlanVerifyException(String planName, List<String> problems) {
        super("plan " + planName + " is invalid (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
