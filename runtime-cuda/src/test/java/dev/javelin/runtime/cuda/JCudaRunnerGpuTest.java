package dev.javelin.runtime.cuda;

import static dev.javelin.runtime.cuda.TestKernels.floats;
import static dev.javelin.runtime.cuda.TestKernels.toFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JCudaRunner on a real GPU with hand-written PTX; skips without a GPU (fails if one is required). */
class JCudaRunnerGpuTest {
    private static final List<String> FUNCTIONS = List.of("add_one", "reverse_shared");
    private static CudaContext context;

    @BeforeAll
    static void open() {
        GpuTests.requireGpu();
        context = CudaContext.open();
    }

    @AfterAll
    static void close() {
        if (context != null) {
            context.close();
        }
    }

    private static JCudaRunner runner(long bytes) {
        return JCudaRunner.create(context, TestKernels.ptx(), FUNCTIONS, bytes);
    }

    private static CudaLaunch addOne(int grid, int block) {
        return new CudaLaunch("k0", "add_one", grid, 1, 1, block, 1, 1, 0, false);
    }

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f;
        }
        return f;
    }

    @Test
    void addOneChangesTheFirst256FloatsOnly() {
        try (JCudaRunner r = runner(320 * 4)) {
            assertTrue(r.describe().contains(context.device().arch()), r.describe());
            float[] in = ramp(320);
            r.write(0, floats(in), 0, 320 * 4);
            // 3 blocks of 128 threads: the last 128 threads are past 256 and must do nothing.
            r.launch(List.of(addOne(3, 128)));
            byte[] out = new byte[320 * 4];
            r.read(0, out, 0, out.length);
            float[] got = toFloats(out);
            for (int i = 0; i < 320; i++) {
                assertEquals(i < 256 ? in[i] + 1 : in[i], got[i], "float " + i);
            }
        }
    }

    @Test
    void newBlocksAreZeroed() {
        try (JCudaRunner r = runner(4096)) {
            byte[] out = new byte[4096];
            out[17] = 5;
            r.read(0, out, 0, out.length);
            assertArrayEquals(new byte[4096], out);
        }
    }

    @Test
    void dynamicSharedMemoryAndBarrierReverse() {
        try (JCudaRunner r = runner(256 * 4)) {
            r.write(0, floats(ramp(256)), 0, 256 * 4);
            r.launch(List.of(new CudaLaunch("k1", "reverse_shared", 1, 1, 1, 256, 1, 1, 1024, false)));
            byte[] out = new byte[256 * 4];
            r.read(0, out, 0, out.length);
            float[] got = toFloats(out);
            for (int i = 0; i < 256; i++) {
                assertEquals((255 - i) * 0.5f, got[i], "float " + i);
            }
        }
    }

    @Test
    void largeCopiesGoThroughPinnedStagingInChunks() {
        int n = PinnedStaging.MAX_BYTES * 2 + 12_345; // three chunks, the last one short
        try (JCudaRunner r = runner(2L * n + 64)) {
            byte[] data = new byte[n + 7];
            new Random(42).nextBytes(data);
            r.write(3, data, 7, n);
            r.copy(3, n + 40L, n);
            byte[] back = new byte[n];
            r.read(n + 40L, back, 0, n);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, n + 7), back);
            byte[] small = new byte[100];
            r.read(3, small, 0, 100);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, 107), small);
        }
    }

    @Test
    void timedLaunchesReportEachKernelsTime() {
        try (JCudaRunner r = runner(256 * 4)) {
            long[] ns = r.launchTimed(List.of(addOne(2, 128), addOne(2, 128)));
            assertEquals(2, ns.length);
            assertTrue(ns[0] >= 0 && ns[1] >= 0 && ns[0] + ns[1] > 0, java.util.Arrays.toString(ns));
            byte[] out = new byte[4];
            r.read(4, out, 0, 4);
            assertEquals(2f, toFloats(out)[0]);
        }
    }

    @Test
    void outOfBoundsCopiesFailWithTheOffsets() {
        try (JCudaRunner r = runner(1024)) {
            var w = assertThrows(IndexOutOfBoundsException.class, () -> r.write(1000, new byte[100], 0, 100));
            assertTrue(w.getMessage().contains("write of 100 bytes at offset 1000"), w.getMessage());
            assertTrue(w.getMessage().contains("1024-byte device block"), w.getMessage());
            var rd = assertThrows(IndexOutOfBoundsException.class, () -> r.read(-4, new byte[4], 0, 4));
            assertTrue(rd.getMessage().contains("read of 4 bytes at offset -4"), rd.getMessage());
            var c = assertThrows(IndexOutOfBoundsException.class, () -> r.copy(0, 1000, 100));
            assertTrue(c.getMessage().contains("device copy destination"), c.getMessage());
            // The runner still works after refusing them.
            r.write(0, floats(1f), 0, 4);
            r.launch(List.of(addOne(1, 256)));
            byte[] out = new byte[4];
            r.read(0, out, 0, 4);
            assertEquals(2f, toFloats(out)[0]);
        }
    }

    @Test
    void aRejectedLaunchNamesTheKernelAndTheCudaError() {
        try (JCudaRunner r = runner(1024)) {
            CudaLaunch tooBig = addOne(1, 4096); // more threads per block than any GPU allows
            var e = assertThrows(CudaException.class, () -> r.launch(List.of(tooBig)));
            assertTrue(e.getMessage().contains(tooBig.describe()), e.getMessage());
            assertTrue(e.getMessage().contains("CUDA_ERROR_"), e.getMessage());
            assertFalse(e.sticky(), e.getMessage());
            var u = assertThrows(
                    IllegalArgumentException.class,
                    () -> r.launch(List.of(new CudaLaunch("k9", "nope", 1, 1, 1, 1, 1, 1, 0, false))));
            assertTrue(u.getMessage().contains("no function nope"), u.getMessage());
            r.launch(List.of(addOne(2, 128))); // a rejected launch does not poison the context
        }
    }

    @Test
    void badPtxFailsWithTheJitLog() {
        byte[] bad = TestKernels.PTX.replace("add.f32", "add.f33").getBytes(StandardCharsets.US_ASCII);
        var e = assertThrows(CudaException.class, () -> JCudaRunner.create(context, bad, FUNCTIONS, 64));
        assertTrue(e.getMessage().contains("cuModuleLoadDataEx failed"), e.getMessage());
        assertTrue(e.getMessage().contains(".target sm_80"), e.getMessage());
        assertFalse(e.getMessage().contains("JIT error log: (empty)"), e.getMessage());
    }

    @Test
    void aMissingFunctionIsNamed() {
        var e = assertThrows(
                CudaException.class,
                () -> JCudaRunner.create(context, TestKernels.ptx(), List.of("add_one", "k7_s0"), 64));
        assertTrue(e.getMessage().contains("cuModuleGetFunction(\"k7_s0\")"), e.getMessage());
    }

    @Test
    void outOfMemorySaysHowMuchWasAskedAndIsFree() {
        long tooMuch = context.memoryInfo().total() + (1L << 30);
        var e = assertThrows(CudaException.class, () -> runner(tooMuch));
        assertTrue(e.getMessage().contains("out of GPU memory: cuMemAlloc of " + tooMuch + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("GiB free of"), e.getMessage());
    }

    @Test
    void aThousandRunnersLeakNoDeviceMemory() {
        try (JCudaRunner warm = runner(1 << 20)) {
            warm.launch(List.of(addOne(2, 128)));
        }
        long before = context.memoryInfo().free();
        for (int i = 0; i < 1000; i++) {
            try (JCudaRunner r = runner(1 << 20)) {
                if (i % 100 == 0) {
                    r.launchTimed(List.of(addOne(2, 128)));
                    r.write(0, new byte[PinnedStaging.THRESHOLD], 0, PinnedStaging.THRESHOLD);
                }
            }
        }
        long after = context.memoryInfo().free();
        assertTrue(
                Math.abs(before - after) <= 2L << 20,
                "free device memory went from " + before + " to " + after + " bytes over 1000 runners");
    }

    @Test
    void closeIsIdempotentAndAClosedRunnerRefusesWork() {
        JCudaRunner r = runner(64);
        r.close();
        r.close();
        var e = assertThrows(IllegalStateException.class, () -> r.launch(List.of(addOne(1, 1))));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
