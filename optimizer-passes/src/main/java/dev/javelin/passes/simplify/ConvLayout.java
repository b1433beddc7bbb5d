package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.op.Layout;
import dev.javelin.passes.pipeline.Pass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.Optional;

/**
 * The {@code conv-layout} pass: with a preferred {@link Layout} (a backend's choice, {@code
 * PassOptions.convLayout}), every convolution, pooling and gradient op takes it, with conversions
 * only at the edges ({@link ConvLayoutRules}, run to a fixed point by a {@link RuleEngine}). Without
 * one, the graph is left as written. Exact: permutes move values, never change them. Counters: the
 * rule engine's.
 */
public final class ConvLayout implements Pass {
    public static final String NAME = "conv-layout";

    private final Optional<Layout> preferred;

    public ConvLayout(Optional<Layout> preferred) {
        this.preferred = preferred;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Graph run(Graph g, PassContext ctx) {
        if (preferred.isEmpty()) {
            return g;
        }
        return new RuleEngine(NAME, ConvLayoutRules.all(preferred.get())).run(g, ctx);
    }
}
