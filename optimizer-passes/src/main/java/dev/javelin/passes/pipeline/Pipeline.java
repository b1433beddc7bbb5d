package dev.javelin.passes.pipeline;

import dev.javelin.ir.graph.Graph;
import dev.javelin.passes.simplify.ConstantFolding;
import dev.javelin.passes.simplify.Cse;
import dev.javelin.passes.simplify.Dce;
import dev.javelin.passes.simplify.IdentityRules;
import dev.javelin.passes.simplify.RuleEngine;
import java.util.List;

/**
 * The compiler's passes, in order. {@link #passes()} is the whole pipeline: read it top to bottom.
 */
public final class Pipeline {
    private Pipeline() {}

    /** Every pass, in the order they run. Names are what {@link PassOptions#disabled()} accepts. */
    public static List<Pass> passes() {
        return List.of(
                // Evaluate nodes whose operands are all constants, so identities see constant operands.
                new ConstantFolding(),
                // Algebraic identities (x*1, neg(neg(x)), permute and reshape chains, ...) to a fixed point.
                new RuleEngine("identities", IdentityRules.all()),
                // Merge nodes computing the same op on the same operands (after identities made them equal).
                new Cse(),
                // Drop every node that no output or assign needs (inputs and parameters stay).
                new Dce()
                // Next (issue 4): views folded into their users, fusion, layout, scheduling, then
                // lowering to the plan and memory planning.
                );
    }

    /** Runs {@link #passes()} over {@code g}. */
    public static PassManager.Result run(Graph g, PassOptions options) {
        return PassManager.run(g, passes(), options);
    }
}
