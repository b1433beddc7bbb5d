package dev.javelin.passes.pipeline;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.verify.Verifier;
import dev.javelin.ir.verify.VerifyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs a list of passes in order under {@link PassOptions}: checks the disabled names, verifies
 * the input and each pass's result, dumps the IR, times the passes and collects their counters.
 */
public final class PassManager {
    private PassManager() {}

    /** The final graph and one {@link PassRun} per pass of the list, in order (switched-off ones too). */
    public record Result(Graph graph, List<PassRun> runs) {
        public Result {
            runs = List.copyOf(runs);
        }

        /** The run of the pass named {@code name}, or an exception listing the names. */
        public PassRun run(String name) {
            return PassRun.named(runs, name);
        }

        /** One line per pass: position, name, counters, and the time when timing was on. */
        public String report() {
            return PassRun.report(runs);
        }
    }

    /** Runs {@code passes} over {@code g}. */
    public static Result run(Graph g, List<Pass> passes, PassOptions options) {
        checkNames(passes, options.disabled());
        if (options.verify()) {
            verify(g, "the input graph is invalid (before any pass ran)");
        }
        options.dumpDir().ifPresent(dir -> dump(dir, "000-input.ir", g));
        List<PassRun> runs = new ArrayList<>();
        Graph current = g;
        for (int i = 0; i < passes.size(); i++) {
            Pass p = passes.get(i);
            int position = i + 1;
            if (options.disabled().contains(p.name())) {
                runs.add(new PassRun(position, p.name(), false, java.util.Map.of(), OptionalLong.empty()));
                continue;
            }
            PassContext ctx = new PassContext();
            long start = System.nanoTime();
            Graph next = p.run(current, ctx);
            long nanos = System.nanoTime() - start;
            if (next == null) {
                throw new PassException("pass '" + p.name() + "' (#" + position + ") returned no graph");
            }
            if (options.verify()) {
                verify(
                        next,
                        "pass '" + p.name() + "' (#" + position + " of " + passes.size()
                                + ") produced an invalid graph");
            }
            String file = String.format(java.util.Locale.ROOT, "%03d-%s.ir", position, p.name());
            final Graph dumped = next;
            options.dumpDir().ifPresent(dir -> dump(dir, file, dumped));
            runs.add(new PassRun(
                    position,
                    p.name(),
                    true,
                    ctx.counters(),
                    options.timePasses() ? OptionalLong.of(nanos) : OptionalLong.empty()));
            current = next;
        }
        return new Result(current, runs);
    }

    private static void checkNames(List<Pass> passes, Set<String> disabled) {
        Set<String> known = new LinkedHashSet<>();
        for (Pass p : passes) {
            if (!known.add(p.name())) {
                throw new PassException("two passes share the name '" + p.name() + "'; names must be unique");
            }
        }
        Set<String> unknown = new TreeSet<>(disabled);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new PassException("cannot switch off unknown pass" + (unknown.size() == 1 ? " " : "es ")
                    + unknown.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
                    + "; expected one of " + String.join(", ", known));
        }
    }

    private static void verify(Graph g, String what) {
        try {
            Verifier.verify(g);
        } catch (VerifyException e) {
            throw new PassException(what + ":\n" + e.getMessage(), e);
        }
    }

    private static void dump(Path dir, String file, Graph g) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), Printer.print(g), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write IR dump " + dir.resolve(file) + ": " + e.getMessage(), e);
        }
    }
}
