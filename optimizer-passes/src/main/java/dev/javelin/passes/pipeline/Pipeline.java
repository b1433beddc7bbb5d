package dev.javelin.passes.pipeline;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.plan.PlanVerifier;
import dev.javelin.ir.plan.PlanVerifyException;
import dev.javelin.passes.fuse.Fusion;
import dev.javelin.passes.fuse.FusionResult;
import dev.javelin.passes.lower.Lowering;
import dev.javelin.passes.lower.Partition;
import dev.javelin.passes.lower.Prepack;
import dev.javelin.passes.lower.Specialize;
import dev.javelin.passes.memory.MemoryPlanner;
import dev.javelin.passes.memory.UpdateInPlace;
import dev.javelin.passes.schedule.Scheduler;
import dev.javelin.passes.simplify.ConstantFolding;
import dev.javelin.passes.simplify.ConvLayout;
import dev.javelin.passes.simplify.Cse;
import dev.javelin.passes.simplify.Dce;
import dev.javelin.passes.simplify.IdentityRules;
import dev.javelin.passes.simplify.LayoutRules;
import dev.javelin.passes.simplify.RuleEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The compiler's passes, in order. {@link #compile} is the whole pipeline, graph to memory-planned
 * plan: read it top to bottom. {@link #passes()} are its graph-to-graph passes.
 */
public final class Pipeline {
    private Pipeline() {}

    /** Switching it off gives the unfused plan: one kernel per primitive. */
    public static final String FUSE = "fuse";

    /** Switching it off keeps parameter-only kernels in every step. */
    public static final String PREPACK = "prepack";

    public static final String SCHEDULE = "schedule";
    /** Switching it off copies every assigned value over its parameter after the step. */
    public static final String UPDATE_IN_PLACE = "update-in-place";

    /** Switching it off gives every arena buffer its own memory (the no-reuse figure). */
    public static final String PLAN_MEMORY = "plan-memory";
    /** Part of {@link #PLAN_MEMORY}: writes over dying reads; can be switched off alone. */
    public static final String IN_PLACE = "in-place";

    /** The graph passes with default options (no layout preference). */
    public static List<Pass> passes() {
        return passes(PassOptions.defaults());
    }

    /** The graph passes, in the order they run. Names are what {@link PassOptions#disabled()} accepts. */
    public static List<Pass> passes(PassOptions options) {
        return List.of(
                // Evaluate nodes whose operands are all constants, so identities see constant operands.
                new ConstantFolding(),
                // Algebraic identities (x*1, neg(neg(x)), permute and reshape chains, ...) to a fixed point.
                new RuleEngine("identities", IdentityRules.all()),
                // Transposes folded into contraction operands (matmul's transpose flags).
                new RuleEngine("layout", LayoutRules.all()),
                // The backend's preferred layout (NCHW or NHWC) for convolution and pooling, with
                // conversions only at the edges; nothing without a preference.
                new ConvLayout(options.convLayout()),
                // Merge nodes computing the same op on the same operands (after identities made them equal).
                new Cse(),
                // Drop every node that no output or assign needs (inputs and parameters stay).
                new Dce());
    }

    /** Every name {@link PassOptions#disabled()} may hold, in pipeline order. */
    public static List<String> passNames() {
        List<String> out = new ArrayList<>(passes().stream().map(Pass::name).toList());
        out.addAll(List.of(FUSE, PREPACK, SCHEDULE, UPDATE_IN_PLACE, PLAN_MEMORY, IN_PLACE));
        return out;
    }

    /** Runs the graph passes over {@code g}. */
    public static PassManager.Result run(Graph g, PassOptions options) {
        return PassManager.run(g, passes(options), options);
    }

    /**
     * Graph to plan: every symbolic dimension bound to {@code sizes}, the graph passes, fusion and
     * lowering, load-time packing, scheduling, and memory planning. With verification on, the plan is
     * verified after each step (before memory planning, all but the arena invariants).
     */
    public static Compilation compile(Graph g, Map<String, Long> sizes, PassOptions options) {
        checkNames(options.disabled());
        Set<String> graphPasses = passes().stream().map(Pass::name).collect(Collectors.toSet());
        Set<String> off = options.disabled();
        PassOptions graphOptions = new PassOptions(
                options.verify(),
                options.dumpDir(),
                options.timePasses(),
                off.stream().filter(graphPasses::contains).collect(Collectors.toSet()),
                options.convLayout(),
                options.fusionVeto());
        // Sizes first: with every dimension static, folding sees through shapes (a count of the batch
        // becomes a constant) and every later pass works on concrete types.
        PassManager.Result simplified = PassManager.run(Specialize.graph(g, sizes), passes(options), graphOptions);
        Graph specialized = simplified.graph();
        List<PassRun> runs = new ArrayList<>(simplified.runs());
        Steps steps = new Steps(options, runs);

        // Kernels: fused groups (as the target's veto allows, every decision kept for
        // --explain-fusion), or one kernel per primitive when fusion is off.
        FusionResult[] fused = new FusionResult[1];
        Plan plan = steps.run(
                FUSE,
                null,
                (p, ctx) -> {
                    fused[0] = Fusion.run(specialized, ctx, options.fusionVeto());
                    return Lowering.plan(specialized, fused[0].partition(), sizes);
                },
                (p, ctx) -> Lowering.plan(specialized, Partition.unfused(specialized), sizes));
        // Work on parameters alone (weight packing, products of frozen parameters) moved to load time.
        plan = steps.run(PREPACK, plan, Prepack::plan, (p, ctx) -> p);
        // A kernel order with a lower live peak, where the dependencies allow a choice.
        plan = steps.run(SCHEDULE, plan, Scheduler::schedule, (p, ctx) -> p);
        // New parameter values written into the parameters' own memory where no read of an old value follows.
        plan = steps.run(UPDATE_IN_PLACE, plan, UpdateInPlace::plan, (p, ctx) -> p);
        // Offsets in one arena: liveness, in-place writes, best fit.
        boolean inPlace = !off.contains(IN_PLACE);
        plan = steps.run(
                PLAN_MEMORY,
                plan,
                (p, ctx) -> MemoryPlanner.plan(p, inPlace, ctx),
                (p, ctx) -> MemoryPlanner.noReuse(p));
        return new Compilation(simplified.graph(), plan, runs, Optional.ofNullable(fused[0]));
    }

    private static void checkNames(Set<String> disabled) {
        Set<String> unknown = new TreeSet<>(disabled);
        passNames().forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new PassException("cannot switch off unknown pass" + (unknown.size() == 1 ? " " : "es ")
                    + unknown.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
                    + "; expected one of " + String.join(", ", new LinkedHashSet<>(passNames())));
        }
    }

    /** Runs the plan steps after the graph passes: numbering, timing, counters, verification, dumps. */
    private static final class Steps {
        private final PassOptions options;
        private final List<PassRun> runs;

        Steps(PassOptions options, List<PassRun> runs) {
            this.options = options;
            this.runs = runs;
        }

        Plan run(
                String name,
                Plan in,
                BiFunction<Plan, PassContext, Plan> on,
                BiFunction<Plan, PassContext, Plan> whenOff) {
            int position = runs.size() + 1;
            boolean enabled = !options.disabled().contains(name);
            PassContext ctx = new PassContext();
            long start = System.nanoTime();
            Plan out = (enabled ? on : whenOff).apply(in, ctx);
            long nanos = System.nanoTime() - start;
            if (options.verify()) {
                try {
                    if (name.equals(PLAN_MEMORY)) {
                        PlanVerifier.verify(out);
                    } else {
                        PlanVerifier.verifyUnplaced(out);
                    }
                } catch (PlanVerifyException e) {
                    throw new PassException(
                            "pass '" + name + "' (#" + position + ") produced an invalid plan:\n" + e.getMessage(), e);
                }
            }
            options.dumpDir().ifPresent(dir -> {
                String file = String.format(Locale.ROOT, "%03d-%s.plan", position, name);
                try {
                    Files.createDirectories(dir);
                    Files.writeString(dir.resolve(file), PlanPrinter.print(out), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot write plan dump " + dir.resolve(file) + ": " + e.getMessage(), e);
                }
            });
            runs.add(new PassRun(
                    position,
                    name,
                    enabled,
                    ctx.counters(),
                    options.timePasses() ? OptionalLong.of(nanos) : OptionalLong.empty()));
            return out;
        }
    }
}
