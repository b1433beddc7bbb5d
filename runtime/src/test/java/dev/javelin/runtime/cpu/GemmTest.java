package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.MR;
import static dev.javelin.runtime.cpu.GemmKernel.NR;
import static dev.javelin.runtime.cpu.GemmKernel.VL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.javelin.runtime.cpu.GemmCase.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Gemm} against reference products, on every path, layout and edge it has. */
class GemmTest {
    private static CpuPool pool;
    private static Gemm gemm;

    @BeforeAll
    static void start() {
        pool = new CpuPool(2);
        gemm = new Gemm(pool);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    /**
     * Sizes around every boundary: empty, one, the vector length, the micro-tile (MR, NR), the
     * blocks (MC, KC, NS), the matrix-vector path (m up to {@link Gemm#ROWS}), and a few large ones
     * that take the parallel paths.
     */
    static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        int[] small = {0, 1, 2, 3, 17, VL - 1, VL, VL + 1, MR - 1, MR + 1, NR - 1, NR + 1, 2 * NR + 1};
        for (int s : small) {
            shapes.add(new int[] {s, s, s});
            shapes.add(new int[] {s, 17, 5});
            shapes.add(new int[] {5, s, 17});
            shapes.add(new int[] {17, 5, s});
        }
        // The unpacked narrow path: many rows, at most NARROW_N columns and NARROW_K deep.
        shapes.add(new int[] {2048, 32, 32});
        shapes.add(new int[] {301, Gemm.NARROW_N, Gemm.NARROW_K});
        shapes.add(new int[] {37, 33, 7});
        shapes.add(new int[] {1, 512, 784});
        // The matrix-vector path's register-resident blocks of 16 (AVX-512) and 8 vectors, with a
        // remainder after them.
        shapes.add(new int[] {1, 8 * VL + 3, 50});
        shapes.add(new int[] {1, 24 * VL + 3, 50});
        shapes.add(new int[] {2, 32 * VL, 9});
        shapes.add(new int[] {2, 300, 17});
        shapes.add(new int[] {2, 37, 300});
        shapes.add(new int[] {32, 10, 784});
        shapes.add(new int[] {32, 600, 100});
        shapes.add(new int[] {Gemm.MC, 40, Gemm.KC});
        shapes.add(new int[] {Gemm.MC + 1, 50, Gemm.KC + 1});
        shapes.add(new int[] {300, 500, 200});
        shapes.add(new int[] {300, 200, 500});
        shapes.add(new int[] {130, 4 * NR + 3, 2 * Gemm.KC + 7});
        return shapes;
    }

    static Stream<Arguments> shapesAndLayouts() {
        List<Arguments> all = new ArrayList<>();
        for (int[] s : shapes()) {
            for (Layout a : Layout.values()) {
                for (Layout b : Layout.values()) {
                    all.add(Arguments.of(s[0], s[1], s[2], a, b));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} A {3} B {4}")
    @MethodSource("shapesAndLayouts")
    void multipliesInPlaceInASharedArray(int m, int n, int k, Layout a, Layout b) {
        GemmCase g = new GemmCase(m, n, k, a, b, 3, 31L * m + 7L * n + k);
        g.run(gemm, Gemm.NONE);
        g.assertProduct();
        g.assertOnlyCWritten();
    }

    @Test
    void separateArraysWithoutPadding() {
        int m = 45, n = 70, k = 33;
        GemmCase g = new GemmCase(m, n, k, Layout.ROWS, Layout.ROWS, 0, 5);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                a[i * k + p] = g.data[g.a(i, p)];
            }
            for (int j = 0; j < n; j++) {
                b[p * n + j] = g.data[g.b(p, j)];
            }
        }
        float[] c = new float[m * n];
        gemm.multiply(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, Gemm.NONE);
        g.run(gemm, Gemm.NONE);
        assertArrayEquals(g.c(), c);
    }

    /** A·Aᵀ: A and B are the same elements, read through swapped strides. */
    @Test
    void operandsMayOverlapEachOther() {
        GemmCase g = new GemmCase(40, 40, 29, Layout.ROWS, Layout.ROWS, 2, 9);
        gemm.multiply(
                40, 40, 29, g.data, g.aOff, g.aRow, g.aCol, g.data, g.aOff, g.aCol, g.aRow, g.data, g.cOff, g.ldc,
                Gemm.NONE);
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 40; j++) {
                float s = 0f;
                for (int p = 0; p < 29; p++) {
                    s = Math.fma(g.data[g.a(i, p)], g.data[g.a(j, p)], s);
                }
                assertEquals(s, g.data[g.c(i, j)], 0f);
            }
        }
    }

    static Stream<Arguments> epilogueShapes() {
        return Stream.of(
                Arguments.of(0, 5, 3),
                Arguments.of(7, 0, 3),
                Arguments.of(7, 9, 0),
                Arguments.of(1, 1000, 600),
                Arguments.of(2, 3000, 20),
                Arguments.of(20, 30, 40),
                Arguments.of(64, 700, 300),
                Arguments.of(7, 5, 20000),
                Arguments.of(200, 4 * Gemm.NC / 3, 10),
                Arguments.of(400, 300, 600));
    }

    /**
     * Every element of C is in exactly one epilogue block, and when its block is handed over it
     * already holds its final value, so the epilogue may apply bias and activation in place.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("epilogueShapes")
    void epilogueCoversEveryElementOnceWhenFinal(int m, int n, int k) {
        GemmCase g = new GemmCase(m, n, k, Layout.ROWS, Layout.ROWS, 1, m + n + k);
        AtomicIntegerArray seen = new AtomicIntegerArray(m * n);
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        g.run(gemm, (i0, i1, j0, j1) -> {
            if (i0 < 0 || i1 > m || i0 >= i1 || j0 < 0 || j1 > n || j0 >= j1) {
                errors.add("bad block " + i0 + ".." + i1 + " x " + j0 + ".." + j1);
                return;
            }
            for (int i = i0; i < i1; i++) {
                for (int j = j0; j < j1; j++) {
                    seen.incrementAndGet(i * n + j);
                    if (g.data[g.c(i, j)] != g.chain(i, j)) {
                        errors.add("C(" + i + "," + j + ") not final in its epilogue");
                    }
                }
            }
        });
        assertEquals(List.of(), errors.stream().limit(5).toList());
        for (int x = 0; x < m * n; x++) {
            assertEquals(1, seen.get(x), "element " + x + " covered");
        }
        g.assertProduct();
    }

    static Stream<Arguments> parallelShapes() {
        return Stream.of(
                Arguments.of(257, 300, 520, Layout.ROWS, Layout.ROWS),
                Arguments.of(32, 512, 784, Layout.ROWS, Layout.ROWS),
                Arguments.of(32, 512, 784, Layout.COLUMNS, Layout.COLUMNS),
                Arguments.of(2, 2000, 700, Layout.ROWS, Layout.ROWS),
                Arguments.of(600, 70, 90, Layout.STRIDED, Layout.COLUMNS),
                Arguments.of(90, 5, 9000, Layout.ROWS, Layout.ROWS),
                Arguments.of(250, 5000, 40, Layout.ROWS, Layout.ROWS));
    }

    /** The split of the work follows the thread count; the values must not. */
    @ParameterizedTest(name = "{0}x{1}x{2} A {3} B {4}")
    @MethodSource("parallelShapes")
    void bitIdenticalForAnyThreadCount(int m, int n, int k, Layout a, Layout b) {
        float[] expected = null;
        for (int threads : new int[] {1, 2, 3, 4}) {
            try (CpuPool p = new CpuPool(threads)) {
                GemmCase g = new GemmCase(m, n, k, a, b, 1, 42);
                g.run(new Gemm(p), Gemm.NONE);
                if (expected == null) {
                    g.assertProduct();
                    expected = g.c();
                } else {
                    assertArrayEquals(expected, g.c(), threads + " threads");
                }
            }
        }
    }

    @Test
    void rejectsBadArgumentsBeforeWriting() {
        float[] x = new float[100];
        Arrays.fill(x, 7f);
        assertThrows(IllegalArgumentException.class, () -> mul(-1, 2, 2, x, 0, 2, 1, 0, 2, 1, 50, 2));
        assertThrows(IllegalArgumentException.class, () -> mul(2, 2, 2, x, 0, -2, 1, 0, 2, 1, 50, 2));
        assertThrows(IllegalArgumentException.class, () -> mul(3, 4, 2, x, 0, 2, 1, 0, 4, 1, 90, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> mul(5, 5, 5, x, 0, 5, 1, 0, 5, 1, 80, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> mul(5, 5, 5, x, 90, 5, 1, 0, 5, 1, 50, 5));
        assertThrows(NullPointerException.class, () -> gemm.multiply(1, 1, 1, x, 0, 1, 1, x, 0, 1, 1, x, 9, 1, null));
        for (float v : x) {
            assertEquals(7f, v);
        }
    }

    private static void mul(
            int m,
            int n,
            int k,
            float[] x,
            int aOff,
            int aRow,
            int aCol,
            int bOff,
            int bRow,
            int bCol,
            int cOff,
            int ldc) {
        gemm.multiply(m, n, k, x, aOff, aRow, aCol, x, bOff, bRow, bCol, x, cOff, ldc, Gemm.NONE);
    }

    @Test
    void isNotReentrant() {
        GemmCase g = new GemmCase(4, 4, 4, Layout.ROWS, Layout.ROWS, 0, 1);
        assertThrows(IllegalStateException.class, () -> g.run(gemm, (i0, i1, j0, j1) -> g.run(gemm, Gemm.NONE)));
        g.run(gemm, Gemm.NONE);
        g.assertProduct();
    }

    /** Counts covered elements without allocating, so it can run inside the measured window. */
    private static final class Counter implements Gemm.Epilogue {
        long elements;

        @Override
        public synchronized void apply(int i0, int i1, int j0, int j1) {
            elements += (long) (i1 - i0) * (j1 - j0);
        }
    }

    /**
     * Steady-state multiplies allocate nothing, on the calling thread or the workers, on every path
     * (matrix-vector, strips, shared blocks, k == 0), serial and parallel. Allocation before C2 has
     * compiled everything (the interpreter boxes vectors) is expected, so it warms up until a
     * measured window is clean, a bounded number of times.
     */
    @Test
    void allocatesNothingInSteadyState() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Set<Thread> old = Thread.getAllStackTraces().keySet();
        try (CpuPool p = new CpuPool(2)) {
            long[] workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !old.contains(t) && t.getName().startsWith("javelin-cpu-"))
                    .mapToLong(Thread::threadId)
                    .toArray();
            assertEquals(1, workers.length);
            Gemm own = new Gemm(p);
            GemmCase[] cases = {
                new GemmCase(1, 600, 100, Layout.ROWS, Layout.ROWS, 0, 1),
                new GemmCase(2, 1024, 1024, Layout.ROWS, Layout.ROWS, 0, 2),
                new GemmCase(13, 50, 70, Layout.ROWS, Layout.COLUMNS, 1, 3),
                new GemmCase(64, 200, 100, Layout.ROWS, Layout.ROWS, 0, 4),
                new GemmCase(130, 50, 300, Layout.COLUMNS, Layout.ROWS, 2, 5),
                new GemmCase(5, 7, 0, Layout.ROWS, Layout.ROWS, 0, 6)
            };
            Counter counter = new Counter();
            long bytes = -1;
            for (int attempt = 0; attempt < 20 && bytes != 0; attempt++) {
                for (int warm = 0; warm < 300; warm++) {
                    runAll(own, cases, counter);
                }
                long[] w0 = mx.getThreadAllocatedBytes(workers);
                long c0 = mx.getCurrentThreadAllocatedBytes();
                for (int r = 0; r < 20; r++) {
                    runAll(own, cases, counter);
                }
                long c1 = mx.getCurrentThreadAllocatedBytes();
                long[] w1 = mx.getThreadAllocatedBytes(workers);
                bytes = c1 - c0 + w1[0] - w0[0];
            }
            assertEquals(0, bytes, "bytes allocated by 20 rounds of multiplies after warm-up");
            for (GemmCase g : cases) {
                g.assertProduct();
            }
        }
    }

    private static void runAll(Gemm own, GemmCase[] cases, Counter counter) {
        for (GemmCase g : cases) {
            long before = counter.elements;
            g.run(own, counter);
            if (counter.elements - before != (long) g.m * g.n) {
                fail("epilogue coverage");
            }
        }
    }
}
