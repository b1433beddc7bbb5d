package dev.javelin.runtime.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads for the CPU kernels: {@link #parallelFor} runs tasks {@code 0 ..
 * n-1} on the workers and the calling thread and returns when all are done. It allocates nothing
 * per call, so a steady-state step stays allocation-free. Which thread runs which task varies from
 * call to call; kernels keep results deterministic by making every task compute a fixed, disjoint
 * part of the output in a fixed order (the split depends on the sizes, never on the threads).
 *
 * <p>Workers spin briefly, then park, between calls. Close the pool to stop them (they are daemon
 * threads, so a forgotten pool never keeps a JVM alive).
 */
public final class CpuPool implements AutoCloseable {
    /** One task of a parallel loop; {@code thread} (0 .. threads-1) indexes per-thread workspace. */
    @FunctionalInterface
    public interface Task {
        void run(int index, int thread);
    }

    private static final int SPINS = 20_000;

    private final Thread[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger unfinished = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Task task;
    private volatile int tasks;
    private volatile Thread caller;
    private volatile Throwable failure;

    /** A pool of {@code threads} threads in all, the caller included (so {@code threads - 1} workers). */
    public CpuPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a CPU pool needs at least 1 thread, asked for " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("javelin-cpu-" + id).unstarted(() -> work(id));
            workers[i].start();
        }
    }

    /** A pool with one thread per available processor. */
    public static CpuPool forMachine() {
        return new CpuPool(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task} for every index in {@code 0 .. n-1}; rethrows the first failure of any task. */
    public void parallelFor(int n, Task t) {
        if (closed) {
            throw new IllegalStateException("CPU pool is closed");
        }
        if (n <= 1 || workers.length == 0) {
            for (int i = 0; i < n; i++) {
                t.run(i, 0);
            }
            return;
        }
        task = t;
        tasks = n;
        failure = null;
        caller = Thread.currentThread();
        next.set(0);
        unfinished.set(workers.length);
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        drain(t, n, 0);
        int spins = 0;
        while (unfinished.get() != 0) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private void drain(Task t, int n, int thread) {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            try {
                t.run(i, thread);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    private void work(int id) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            drain(task, tasks, id);
            if (unfinished.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
