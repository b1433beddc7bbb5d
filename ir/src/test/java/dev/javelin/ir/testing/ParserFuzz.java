package dev.javelin.ir.testing;

import dev.javelin.ir.testing.Mutations.Field;
import dev.javelin.ir.testing.Mutations.Mutant;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Feeds seeded mutants of valid files to a parser, each on a worker thread with a time box and an
 * allocation budget. The only allowed outcomes are a result or the parser's own positioned
 * exception; a hang, another exception (a stack overflow, an out-of-memory error, an index out of
 * bounds) or more than {@link #HEAP_BUDGET} bytes allocated fails, naming the master seed, the
 * input's seed, its mutations and its bytes.
 *
 * <p>The master seed is {@code -Djavelin.fuzz.seed=N}, else the environment's {@code
 * JAVELIN_FUZZ_SEED}, else the test's fixed default ({@link RandomGraphs#masterSeed}).
 */
public final class ParserFuzz {
    /** No parser may allocate this much for one small input (a header claiming 10^12 elements must fail first). */
    public static final long HEAP_BUDGET = 256L << 20;

    public static final long TIME_BOX_MS = 2_000;

    private static final int MAX_REPORTED = 5;

    /** A parser under test. */
    public interface Target {
        void parse(byte[] input) throws Exception;
    }

    private ParserFuzz() {}

    /**
     * Runs {@code count} mutants; {@code judge} says why an exception is not an acceptable outcome
     * (null when it is: the parser's own exception, with its position).
     */
    public static Summary run(
            String name,
            long master,
            int count,
            List<byte[]> corpus,
            List<Field> fields,
            String openers,
            Target target,
            Function<Throwable, String> judge) {
        Random seeds = new Random(master ^ name.hashCode());
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-fuzz");
            t.setDaemon(true); // a hung parser must not keep the test JVM alive
            return t;
        });
        try {
            for (int i = 0; i < count && failures.size() < MAX_REPORTED; i++) {
                Mutant m = Mutations.mutate(seeds.nextLong(), corpus, fields, openers);
                Future<Outcome> f = worker.submit(() -> attempt(target, m.bytes()));
                Outcome o;
                try {
                    o = f.get(TIME_BOX_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    failures.add(report(name, master, i, m, "no outcome within " + TIME_BOX_MS + " ms (a hang?)"));
                    break; // the worker is stuck; later inputs would only queue behind it
                } catch (InterruptedException | ExecutionException e) {
                    throw new AssertionError(e);
                }
                String why = o.error() == null ? null : judge.apply(o.error());
                if (o.allocated() > HEAP_BUDGET) {
                    why = "allocated " + o.allocated() + " bytes, more than the budget of " + HEAP_BUDGET
                            + (why == null ? "" : "; also " + why);
                }
                if (why != null) {
                    failures.add(report(name, master, i, m, why + (o.error() == null ? "" : ": " + trace(o.error()))));
                }
                if (o.error() == null) {
                    parsed++;
                }
            }
        } finally {
            worker.shutdownNow();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(
                    failures.size() + " failing input(s) of " + name + ":\n\n" + String.join("\n\n", failures));
        }
        Summary s = new Summary(count, parsed);
        System.out.println(name + ": " + count + " mutated inputs from master seed " + master + " (rerun with"
                + " JAVELIN_FUZZ_SEED=" + master + "): " + parsed + " parsed, " + (count - parsed)
                + " refused with a positioned error");
        return s;
    }

    /** How many inputs ran and how many of them parsed. */
    public record Summary(int inputs, int parsed) {}

    private record Outcome(long allocated, Throwable error) {}

    private static Outcome attempt(Target target, byte[] input) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        Throwable error = null;
        try {
            target.parse(input);
        } catch (Throwable t) { // StackOverflowError and OutOfMemoryError are findings, not crashes of the test
            error = t;
        }
        return new Outcome(mx.getCurrentThreadAllocatedBytes() - before, error);
    }

    private static String report(String name, long master, int index, Mutant m, String why) {
        return name + " input #" + index + " (master seed " + master + ", input seed " + m.seed()
                + ": Mutations.mutate(" + m.seed() + "L, ...) rebuilds it) " + why + "\n  mutations: " + m.how()
                + "\n  input: " + m.escaped(2_000);
    }

    private static String trace(Throwable t) {
        StringBuilder b = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) {
            b.append("\n      at ").append(st[i]);
        }
        return b.toString();
    }
}
