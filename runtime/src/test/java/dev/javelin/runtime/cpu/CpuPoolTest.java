package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CpuPoolTest {
    /** Waits up to 5 s for every worker to reach {@code want}; returns the states seen last. */
    private static Thread.State[] await(CpuPool pool, Thread.State want) throws InterruptedException {
        Thread.State[] s = pool.workerStates();
        for (int i = 0; i < 500 && !allAre(s, want); i++) {
            Thread.sleep(10);
            s = pool.workerStates();
        }
        return s;
    }

    private static boolean allAre(Thread.State[] s, Thread.State want) {
        for (Thread.State x : s) {
            if (x != want) {
                return false;
            }
        }
        return true;
    }

    @Test
    void workersStayAwakeWhileHeldAndParkAfter() throws Exception {
        try (CpuPool pool = new CpuPool(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            pool.parallelFor(64, (i, t) -> hits.incrementAndGet(i));
            Thread.State[] parked = {Thread.State.WAITING, Thread.State.WAITING};
            assertArrayEquals(parked, await(pool, Thread.State.WAITING), "idle workers park");
            pool.hold();
            pool.parallelFor(64, (i, t) -> hits.incrementAndGet(i));
            Thread.sleep(200); // far longer than the spin window: a worker outside a hold has parked by now
            Thread.State[] awake = {Thread.State.RUNNABLE, Thread.State.RUNNABLE};
            assertArrayEquals(awake, pool.workerStates(), "between kernels of a step nobody parks");
            pool.parallelFor(64, (i, t) -> hits.incrementAndGet(i));
            pool.release();
            assertArrayEquals(parked, await(pool, Thread.State.WAITING), "after the step the team parks again");
            for (int i = 0; i < 64; i++) {
                assertEquals(3, hits.get(i), "every index ran once per parallelFor");
            }
        }
    }

    @Test
    void aReleaseWithoutAHoldIsAnError() {
        try (CpuPool pool = new CpuPool(2)) {
            assertEquals(
                    "CpuPool.release without a hold",
                    assertThrows(IllegalStateException.class, pool::release).getMessage());
        }
    }
}
