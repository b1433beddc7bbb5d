package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** {@link CpuPool}: every task once per call, across many calls, on idle and on busy processors. */
class CpuPoolTest {

    @Test
    void runsEveryIndexExactlyOncePerCall() {
        try (CpuPool pool = new CpuPool(3)) {
            Random r = new Random(5);
            for (int call = 0; call < 5_000; call++) {
                int n = 2 + r.nextInt(40);
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                boolean slow = call % 97 == 0; // now and then a call long enough for workers to park
                pool.parallelFor(n, (i, t) -> {
                    assertTrue(t >= 0 && t < 3, "thread index " + t);
                    runs.incrementAndGet(i);
                    if (slow) {
                        LockSupport.parkNanos(200_000);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, runs.get(i), "task " + i + " of call " + call + " (" + n + " tasks)");
                }
            }
        }
    }

    /**
     * Calls alternating few and many tasks, back to back: a worker that read the last call's claim
     * word and the next call's task count must not claim an index of the next call under the old
     * generation (that ran a task twice and left the caller waiting forever).
     */
    @Test
    void aWorkerNeverClaimsTheNextCallsTasksUnderTheLastCallsIndex() {
        try (CpuPool pool = new CpuPool(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            for (int call = 0; call < 100_000; call++) {
                int n = call % 2 == 0 ? 2 : 64;
                pool.parallelFor(n, (i, t) -> runs.incrementAndGet(i));
                for (int i = 0; i < n; i++) {
                    assertEquals(1, runs.getAndSet(i, 0), "task " + i + " of call " + call);
                }
            }
        }
    }

    /** Workers parked after a long idle spell wake for the next call; nothing is lost or run twice. */
    @Test
    void callsAfterIdleSpellsStillRunEverything() throws InterruptedException {
        try (CpuPool pool = new CpuPool(2)) {
            for (int call = 0; call < 5; call++) {
                Thread.sleep(30);
                AtomicIntegerArray runs = new AtomicIntegerArray(8);
                pool.parallelFor(8, (i, t) -> runs.incrementAndGet(i));
                for (int i = 0; i < 8; i++) {
                    assertEquals(1, runs.get(i));
                }
            }
        }
    }

    /** With every processor busy elsewhere, calls still finish: the caller runs what no worker claimed. */
    @Test
    void finishesWhileOtherThreadsHogTheProcessors() {
        int hogs = Runtime.getRuntime().availableProcessors() * 2;
        Thread[] spinners = new Thread[hogs];
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int h = 0; h < hogs; h++) {
            spinners[h] = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
        }
        try (CpuPool pool = new CpuPool(2)) {
            for (int call = 0; call < 2_000; call++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(4);
                pool.parallelFor(4, (i, t) -> runs.incrementAndGet(i));
                for (int i = 0; i < 4; i++) {
                    assertEquals(1, runs.get(i));
                }
            }
        } finally {
            stop.set(true);
        }
    }

    @Test
    void rethrowsATasksFailureAfterTheOthersFinished() {
        try (CpuPool pool = new CpuPool(2)) {
            IllegalStateException boom = new IllegalStateException("task 3 failed");
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> pool.parallelFor(16, (i, t) -> {
                        runs.incrementAndGet(i);
                        if (i == 3) {
                            throw boom;
                        }
                    }));
            assertSame(boom, e);
            for (int i = 0; i < 16; i++) {
                assertEquals(1, runs.get(i), "task " + i);
            }
            // The pool is still usable.
            AtomicIntegerArray again = new AtomicIntegerArray(5);
            pool.parallelFor(5, (i, t) -> again.incrementAndGet(i));
            assertEquals(
                    5, java.util.stream.IntStream.range(0, 5).map(again::get).sum());
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        CpuPool pool = new CpuPool(2);
        pool.close();
        var e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(2, (i, t) -> {}));
        assertEquals("CPU pool is closed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CpuPool(0));
    }
}
