package dev.javelin.dsl.data;

import dev.javelin.ir.value.NdArray;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mini-batches over a {@link Dataset}, one {@link Epoch} at a time. Epoch {@code e} visits the
 * examples in the order {@link #order(int)}: {@code Permutations.of(size, seed, e)} when shuffling,
 * else in index order; so a run is reproducible from its seed, and resuming at epoch {@code e}
 * needs no state but {@code e}. With {@code prefetch > 0} a daemon thread gathers the next batches
 * while the caller computes on the current one (the design's "the next batch is copied while the
 * current one computes", on the host side); the batches are the same either way.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.over(train).batchSize(64).shuffle(42).dropLast(true).build()) {
 *     for (int e = 0; e < epochs; e++) {
 *         for (Map<String, NdArray> batch : loader.epoch(e)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private Epoch current;
    private boolean closed;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
    }

    /**
     * Starts building a loader over {@code dataset}.
     *
     * @param dataset the data set
     * @return a builder with the defaults
     * @throws IllegalArgumentException if {@code dataset} is null
     */
    public static Builder over(Dataset dataset) {
        if (dataset == null) {
            throw new IllegalArgumentException("a data loader needs a data set, found null");
        }
        return new Builder(dataset);
    }

    /** Options of a loader; defaults: batch size 32, no shuffling, keep the last short batch, prefetch 2. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int prefetch = 2;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /**
         * The number of examples per batch (the last batch of an epoch may be shorter, see {@link #dropLast}).
         *
         * @param n the batch size, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder batchSize(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("batch size must be at least 1, found " + n);
            }
            batchSize = n;
            return this;
        }

        /**
         * Shuffles every epoch with a permutation drawn from {@code (seed, epoch)}.
         *
         * @param seed the seed of the permutations
         * @return this builder
         */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /**
         * Whether to skip the last batch of an epoch when it is shorter than the batch size.
         *
         * @param drop true to skip the short last batch
         * @return this builder
         */
        public Builder dropLast(boolean drop) {
            dropLast = drop;
            return this;
        }

        /**
         * How many batches the background thread may have ready ahead of the caller; 0 means no thread.
         *
         * @param batches the number of batches, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code batches} is negative
         */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException(
                        "prefetch must be 0 (no background thread) or more, found " + batches);
            }
            prefetch = batches;
            return this;
        }

        /**
         * A loader with these options; close it to stop its background thread.
         *
         * @return the loader
         */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /**
     * The number of examples per full batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The number of batches each epoch yields, counting a short last batch unless it is dropped.
     *
     * @return the number of batches
     */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The order in which epoch {@code epoch} visits the examples.
     *
     * @param epoch the epoch's number, from 0
     * @return a new array, a permutation of the example indices
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epochs count from 0, found " + epoch);
        }
        int n = dataset.size();
        if (shuffle) {
            return Permutations.of(n, seed, epoch);
        }
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        return p;
    }

    /**
     * The batches of epoch {@code epoch}. Starting an epoch ends the previous one if it is still
     * running (its thread stops; its iterator fails), so at most one background thread exists.
     *
     * @param epoch the epoch's number, from 0
     * @return the epoch, to iterate once
     * @throws IllegalStateException if the loader is closed
     */
    public synchronized Epoch epoch(int epoch) {
        if (closed) {
            throw new IllegalStateException("the data loader is closed");
        }
        if (current != null) {
            current.close();
        }
        current = new Epoch(epoch, order(epoch));
        return current;
    }

    /** Stops the background thread, waiting for it to finish the batch it may be gathering. */
    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** What the background thread hands over: a batch, or the failure that stopped it. */
    private sealed interface Item {}

    private record Ready(Map<String, NdArray> batch) implements Item {}

    private record Failed(Throwable cause) implements Item {}

    /** One pass over the data: an iterator of batches, usable once in a for-each loop. */
    public final class Epoch implements Iterator<Map<String, NdArray>>, Iterable<Map<String, NdArray>>, AutoCloseable {
        private final int number;
        private final int[] order;
        private final int count;
        private final BlockingQueue<Item> queue;
        private final Thread worker;
        private volatile boolean stopped;
        private int delivered;
        private boolean iterated;

        private Epoch(int number, int[] order) {
            this.number = number;
            this.order = order;
            this.count = batchesPerEpoch();
            if (prefetch == 0 || count == 0) {
                queue = null;
                worker = null;
            } else {
                queue = new ArrayBlockingQueue<>(prefetch);
                worker = Thread.ofPlatform()
                        .daemon(true)
                        .name("javelin-data-loader-epoch-" + number)
                        .start(this::produce);
            }
        }

        /**
         * This epoch's number, from 0.
         *
         * @return the number
         */
        public int number() {
            return number;
        }

        /**
         * The number of batches this epoch yields.
         *
         * @return the number of batches
         */
        public int batches() {
            return count;
        }

        private int[] indices(int b) {
            return Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        }

        /** The background thread: gathers batches in order until the epoch ends, fails or is closed. */
        private void produce() {
            for (int b = 0; b < count && !stopped; b++) {
                Item item;
                try {
                    item = new Ready(dataset.batch(indices(b)));
                } catch (Throwable t) { // everything, so the caller is told instead of waiting forever
                    item = new Failed(t);
                }
                try {
                    // a timed offer so that close() is noticed even if the data set swallowed the interrupt
                    while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                        if (stopped) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (item instanceof Failed) {
                    return;
                }
            }
        }

        @Override
        public Iterator<Map<String, NdArray>> iterator() {
            if (iterated) {
                throw new IllegalStateException("epoch " + number + " has been iterated already; call epoch(" + number
                        + ") again for another pass");
            }
            iterated = true;
            return this;
        }

        @Override
        public boolean hasNext() {
            return !stopped && delivered < count;
        }

        @Override
        public Map<String, NdArray> next() {
            if (stopped) {
                throw new IllegalStateException(
                        "epoch " + number + " was closed (by close() or by starting another" + " epoch)");
            }
            if (delivered >= count) {
                throw new NoSuchElementException("epoch " + number + " has " + count + " batches, all delivered");
            }
            int b = delivered++;
            if (queue == null) {
                return dataset.batch(indices(b));
            }
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while waiting for batch " + b + " of epoch " + number, e);
            }
            return switch (item) {
                case Ready r -> r.batch();
                case Failed f -> {
                    close();
                    throw new DataException(
                            "preparing batch " + b + " of epoch " + number + " failed on the loader" + " thread: "
                                    + f.cause(),
                            f.cause());
                }
            };
        }

        /** Stops the background thread and waits for it (at most the time of the batch it is gathering). */
        @Override
        public void close() {
            stopped = true;
            if (worker == null) {
                return;
            }
            worker.interrupt();
            boolean interrupted = false;
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
