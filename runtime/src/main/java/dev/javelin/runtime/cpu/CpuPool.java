package dev.javelin.runtime.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads for the CPU kernels: {@link #parallelFor} runs tasks {@code 0 ..
 * n-1} on the workers and the calling thread and returns when all are done. It allocates nothing
 * per call, so a steady-state step stays allocation-free. Which thread runs which task varies from
 * call to call; kernels keep results deterministic by making every task compute a fixed, disjoint
 * part of the output in a fixed order (the split depends on the sizes, never on the threads).
 *
 * <p>Tasks are claimed one at a time by whichever thread comes first, the caller included, and a
 * call is over when every task has finished: it never waits for a worker that has nothing left to
 * do. On a busy machine, where a worker may not get a processor for a whole time slice (a
 * millisecond or more), the caller then simply runs the tasks itself instead of waiting for the
 * worker to wake up and acknowledge the call.
 *
 * <p>The claim counter holds the call's generation in its high half and the next task index in its
 * low half, so a worker that read a call's task and count can only claim an index of that same
 * call: a newer call changes the generation and fails the worker's compare-and-set. Between calls
 * the index is exhausted, so task and count being replaced for the next call never meet a
 * claimable index of the last one (a worker would otherwise run a new task under an old index, and
 * the count of finished tasks would overshoot).
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
    private final boolean[] sleeping;
    /**
     * Generation (high 32 bits) and next unclaimed task index (low 32 bits) of the current call.
     * Between calls the index is {@link #EXHAUSTED}, so a worker that reads the next call's task and
     * count before that call publishes its generation finds nothing to claim.
     */
    private final AtomicLong claims = new AtomicLong(EXHAUSTED);

    private static final int EXHAUSTED = Integer.MAX_VALUE;

    private final AtomicInteger finished = new AtomicInteger();
    private int generation;
    private volatile boolean closed;
    private volatile Task task;
    private volatile int tasks;
    private volatile Thread caller;
    private volatile boolean callerWaiting;
    private volatile Throwable failure;

    /** A pool of {@code threads} threads in all, the caller included (so {@code threads - 1} workers). */
    public CpuPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a CPU pool needs at least 1 thread, asked for " + threads);
        }
        workers = new Thread[threads - 1];
        sleeping = new boolean[threads - 1];
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
        finished.set(0);
        generation++;
        claims.set((long) generation << 32);
        for (int w = 0; w < workers.length; w++) {
            if (sleepingWorker(w)) {
                LockSupport.unpark(workers[w]);
            }
        }
        runClaimed(t, n, 0);
        awaitFinished(n);
        claims.set(((long) generation << 32) | EXHAUSTED);
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

    private boolean sleepingWorker(int w) {
        synchronized (sleeping) {
            return sleeping[w];
        }
    }

    /** Claims and runs tasks of the current call until none is left unclaimed. */
    private void runClaimed(Task t, int n, int thread) {
        while (true) {
            long c = claims.get();
            int i = (int) c;
            if (i >= n) {
                return;
            }
            if (claims.compareAndSet(c, c + 1)) {
                runOne(t, i, thread, n);
            }
        }
    }

    private void runOne(Task t, int i, int thread, int n) {
        try {
            t.run(i, thread);
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (finished.incrementAndGet() == n && thread != 0 && callerWaiting) {
            LockSupport.unpark(caller);
        }
    }

    private void awaitFinished(int n) {
        int spins = 0;
        while (finished.get() != n) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                callerWaiting = true;
                if (finished.get() != n) {
                    LockSupport.park(this);
                }
                callerWaiting = false;
            }
        }
    }

    private void work(int id) {
        while (!closed) {
            long c = claims.get();
            Task t = task;
            int n = tasks;
            int i = (int) c;
            if (t != null && i < n) {
                // Read after the claim word: if a newer call replaced them, the CAS below fails.
                if (claims.compareAndSet(c, c + 1)) {
                    runOne(t, i, id, n);
                }
                continue;
            }
            idle(id, c);
        }
    }

    /** Spins, then parks, until the claim word moves past {@code c} or the pool closes. */
    private void idle(int id, long c) {
        int spins = 0;
        while (claims.get() == c && !closed) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            synchronized (sleeping) {
                sleeping[id - 1] = true;
            }
            // Checked again after saying so: a call published in between either sees the flag
            // (and unparks) or is seen here.
            if (claims.get() == c && !closed) {
                LockSupport.park(this);
            }
            synchronized (sleeping) {
                sleeping[id - 1] = false;
            }
            spins = 0;
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
