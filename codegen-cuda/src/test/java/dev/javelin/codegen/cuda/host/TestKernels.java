package dev.javelin.codegen.cuda.host;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.runtime.cuda.CudaLaunch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The hand-written test kernels (kernels.cu, misuse.cu) compiled once, and little-endian block I/O for the tests. */
final class TestKernels {
    /** The int header the test kernels read their sizes and offsets from. */
    static final int HEADER = 64;

    private TestKernels() {}

    /** kernels.cu built for the host; skips the calling test when g++ is missing. */
    static HostHarness kernels() {
        return compiled("kernels.cu");
    }

    static HostHarness misuse() {
        return compiled("misuse.cu");
    }

    private static HostHarness compiled(String resource) {
        assumeTrue(HostHarness.available(), HostHarness.unavailableReason());
        return HostHarness.compile(HostHarness.resource(resource));
    }

    static CudaLaunch launch(String function, int gridX, int gridY, int blockX, int blockY, int sharedBytes) {
        return new CudaLaunch("test", function, gridX, gridY, 1, blockX, blockY, 1, sharedBytes, false);
    }

    /** Rounds a byte count up to 256, as the code generator aligns buffers. */
    static int align(long bytes) {
        return (int) ((bytes + 255) / 256 * 256);
    }

    static void header(HostRunner runner, int... values) {
        ByteBuffer buffer = buffer(4 * values.length);
        buffer.asIntBuffer().put(values);
        runner.write(0, buffer.array(), 0, buffer.capacity());
    }

    static void writeFloats(HostRunner runner, long offset, float[] values) {
        ByteBuffer buffer = buffer(4 * values.length);
        buffer.asFloatBuffer().put(values);
        runner.write(offset, buffer.array(), 0, buffer.capacity());
    }

    static float[] readFloats(HostRunner runner, long offset, int count) {
        float[] values = new float[count];
        read(runner, offset, 4 * count).asFloatBuffer().get(values);
        return values;
    }

    static ByteBuffer read(HostRunner runner, long offset, int bytes) {
        ByteBuffer buffer = buffer(bytes);
        runner.read(offset, buffer.array(), 0, bytes);
        return buffer;
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
