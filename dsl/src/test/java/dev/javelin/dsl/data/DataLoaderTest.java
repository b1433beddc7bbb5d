package dev.javelin.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Example i has x = i, so a batch's x column is the list of example indices it holds. */
    static ArrayDataset counting(int n) {
        NdArray x = NdArray.zeros(DType.I64, n);
        for (int i = 0; i < n; i++) {
            x.setLong(i, i);
        }
        return new ArrayDataset(Map.of("x", x));
    }

    static List<List<Long>> indices(DataLoader loader, int epoch) {
        List<List<Long>> out = new ArrayList<>();
        for (Map<String, NdArray> b : loader.epoch(epoch)) {
            out.add(Arrays.stream(b.get("x").toLongs()).boxed().toList());
        }
        return out;
    }

    /** Records on which thread each batch was gathered, and lets a test wait until batch k has been. */
    static final class Watched implements Dataset {
        final ArrayDataset inner;
        final Map<Integer, String> threads = new ConcurrentHashMap<>();
        final Map<Integer, Thread> threadObjects = new ConcurrentHashMap<>();
        final CountDownLatch[] gathered;
        final int failAt;
        int calls;

        Watched(int n, int batches, int failAt) {
            inner = counting(n);
            gathered = new CountDownLatch[batches];
            for (int i = 0; i < batches; i++) {
                gathered[i] = new CountDownLatch(1);
            }
            this.failAt = failAt;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public Map<String, TensorType> exampleTypes() {
            return inner.exampleTypes();
        }

        @Override
        public synchronized Map<String, NdArray> batch(int[] indices) {
            int k = calls++;
            if (k == failAt) {
                throw new IllegalStateException("disk on fire");
            }
            threads.put(k, Thread.currentThread().getName());
            threadObjects.put(k, Thread.currentThread());
            gathered[k].countDown();
            return inner.batch(indices);
        }
    }

    @Test
    void batchesAreTheSameWithAndWithoutPrefetch() {
        for (boolean dropLast : new boolean[] {false, true}) {
            try (DataLoader sync = DataLoader.over(counting(23))
                            .batchSize(5)
                            .shuffle(9)
                            .dropLast(dropLast)
                            .prefetch(0)
                            .build();
                    DataLoader async = DataLoader.over(counting(23))
                            .batchSize(5)
                            .shuffle(9)
                            .dropLast(dropLast)
                            .prefetch(2)
                            .build()) {
                for (int e = 0; e < 3; e++) {
                    assertEquals(indices(sync, e), indices(async, e));
                }
            }
        }
    }

    @Test
    void shufflingIsAPureFunctionOfSeedAndEpoch() {
        DataLoader a = DataLoader.over(counting(40)).batchSize(8).shuffle(3).build();
        DataLoader b = DataLoader.over(counting(40)).batchSize(8).shuffle(3).build();
        DataLoader c = DataLoader.over(counting(40)).batchSize(8).shuffle(4).build();
        try (a;
                b;
                c) {
            assertEquals(indices(a, 1), indices(b, 1));
            assertEquals(indices(a, 0), indices(b, 0), "epoch 0 after epoch 1 is still epoch 0");
            assertNotEquals(indices(a, 0), indices(a, 1));
            assertNotEquals(indices(a, 0), indices(c, 0));
            List<Long> flat =
                    indices(a, 2).stream().flatMap(List::stream).sorted().toList();
            assertEquals(LongStream.range(0, 40).boxed().toList(), flat);
            assertArrayEquals(Permutations.of(40, 3, 2), a.order(2));
        }
    }

    @Test
    void withoutShuffleBatchesFollowIndexOrderAndDropLastSkipsTheShortTail() {
        try (DataLoader keep = DataLoader.over(counting(10)).batchSize(4).build();
                DataLoader drop = DataLoader.over(counting(10))
                        .batchSize(4)
                        .dropLast(true)
                        .build()) {
            assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L)), indices(keep, 0));
            assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L)), indices(drop, 0));
            assertEquals(3, keep.batchesPerEpoch());
            assertEquals(2, drop.batchesPerEpoch());
        }
    }

    /**
     * The proof of overlap, without timing: while the caller still holds batch 0 and has not asked
     * for more, batch 1 gets gathered, on another (daemon) thread.
     */
    @Test
    void theNextBatchIsPreparedWhileTheCallerWorksOnTheCurrentOne() throws InterruptedException {
        Watched data = new Watched(12, 3, -1);
        try (DataLoader loader = DataLoader.over(data).batchSize(4).prefetch(1).build()) {
            DataLoader.Epoch epoch = loader.epoch(0);
            Map<String, NdArray> first = epoch.next();
            assertEquals(
                    List.of(0L, 1L, 2L, 3L),
                    Arrays.stream(first.get("x").toLongs()).boxed().toList());
            assertTrue(data.gathered[1].await(30, TimeUnit.SECONDS), "batch 1 was never gathered ahead of time");
            String caller = Thread.currentThread().getName();
            assertNotEquals(caller, data.threads.get(0));
            assertEquals("javelin-data-loader-epoch-0", data.threads.get(1));
            assertTrue(data.threadObjects.get(1).isDaemon());
        }
    }

    @Test
    void withoutPrefetchBatchesAreGatheredOnTheCallersThread() {
        Watched data = new Watched(8, 2, -1);
        try (DataLoader loader = DataLoader.over(data).batchSize(4).prefetch(0).build()) {
            indices(loader, 0);
        }
        assertEquals(Thread.currentThread().getName(), data.threads.get(0));
        assertEquals(Thread.currentThread().getName(), data.threads.get(1));
    }

    @Test
    void closeStopsTheBackgroundThread() throws InterruptedException {
        Watched data = new Watched(40, 10, -1);
        DataLoader loader = DataLoader.over(data).batchSize(4).prefetch(1).build();
        DataLoader.Epoch epoch = loader.epoch(0);
        epoch.next();
        assertTrue(data.gathered[1].await(30, TimeUnit.SECONDS));
        Thread worker = data.threadObjects.get(1);
        loader.close();
        assertFalse(worker.isAlive(), "close() returned while the loader thread was still running");
        assertFalse(epoch.hasNext());
        assertThrows(IllegalStateException.class, epoch::next);
        assertEquals(
                "the data loader is closed",
                assertThrows(IllegalStateException.class, () -> loader.epoch(1)).getMessage());
    }

    @Test
    void startingAnEpochEndsThePreviousOne() throws InterruptedException {
        Watched data = new Watched(40, 20, -1);
        try (DataLoader loader = DataLoader.over(data).batchSize(4).prefetch(1).build()) {
            DataLoader.Epoch first = loader.epoch(0);
            first.next();
            assertTrue(data.gathered[1].await(30, TimeUnit.SECONDS));
            Thread worker = data.threadObjects.get(1);
            DataLoader.Epoch second = loader.epoch(1);
            assertFalse(worker.isAlive());
            assertFalse(first.hasNext());
            assertTrue(second.hasNext());
        }
    }

    @Test
    void aFailureOnTheLoaderThreadSurfacesInTheCaller() {
        Watched data = new Watched(20, 5, 2);
        try (DataLoader loader = DataLoader.over(data).batchSize(4).prefetch(2).build()) {
            DataLoader.Epoch epoch = loader.epoch(0);
            epoch.next();
            epoch.next();
            DataException e = assertThrows(DataException.class, epoch::next);
            assertEquals(
                    "preparing batch 2 of epoch 0 failed on the loader thread: java.lang.IllegalStateException: disk on"
                            + " fire",
                    e.getMessage());
            assertEquals("disk on fire", e.getCause().getMessage());
            assertFalse(epoch.hasNext());
        }
    }

    @Test
    void anEpochIteratesOnceAndEndsCleanly() {
        try (DataLoader loader = DataLoader.over(counting(5)).batchSize(5).build()) {
            DataLoader.Epoch epoch = loader.epoch(0);
            assertSame(epoch, epoch.iterator());
            assertThrows(IllegalStateException.class, epoch::iterator);
            assertEquals(1, epoch.batches());
            epoch.next();
            assertFalse(epoch.hasNext());
            assertThrows(NoSuchElementException.class, epoch::next);
        }
    }

    @Test
    void rejectsBadOptions() {
        assertEquals(
                "batch size must be at least 1, found 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> DataLoader.over(counting(3)).batchSize(0))
                        .getMessage());
        assertEquals(
                "prefetch must be 0 (no background thread) or more, found -1",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> DataLoader.over(counting(3)).prefetch(-1))
                        .getMessage());
    }
}
