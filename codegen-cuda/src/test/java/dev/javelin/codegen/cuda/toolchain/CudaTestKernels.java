package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The kernels the compiler tests compile, and the compilers they need (skipping with one line when absent). */
final class CudaTestKernels {
    private CudaTestKernels() {}

    /** A grid-stride sum over 1024 floats at the block's start, reduced per warp with shuffles. */
    static final String SUM = """
            extern "C" __global__ void k(char* m) {
                const float* x = reinterpret_cast<const float*>(m);
                float* total = reinterpret_cast<float*>(m + 1024 * sizeof(float));
                float s = 0.0f;
                for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < 1024; i += gridDim.x * blockDim.x) {
                    s += x[i];
                }
                for (int offset = 16; offset > 0; offset >>= 1) {
                    s += __shfl_down_sync(0xffffffffu, s, offset);
                }
                if ((threadIdx.x & 31) == 0) {
                    atomicAdd(total, s);
                }
            }
            """;

    /** Line 4 uses an undeclared name. */
    static final String BROKEN = """
            extern "C" __global__ void k(char* m) {
                float* x = reinterpret_cast<float*>(m);
                int i = threadIdx.x;
                x[i] = undeclared_value * 2.0f;
                x[i + 1] = 1.0f;
            }
            """;

    private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};

    private static Optional<NvrtcCompiler> foreign;
    private static String foreignMissing;

    /** NVRTC through java.lang.foreign, found the usual way, or the test is skipped saying so. */
    static synchronized NvrtcCompiler foreignNvrtcOrSkip() {
        if (foreign == null) {
            try {
                foreign = Optional.of(NvrtcCompiler.foreign(Optional.empty()));
            } catch (CudaCompilerUnavailableException e) {
                foreign = Optional.empty();
                foreignMissing = e.getMessage();
            }
        }
        Assumptions.assumeTrue(foreign.isPresent(), () -> "skipped: libnvrtc not found: " + foreignMissing);
        return foreign.orElseThrow();
    }

    static NvccCompiler nvccOrSkip() {
        try {
            return NvccCompiler.open(Optional.empty());
        } catch (CudaCompilerUnavailableException e) {
            Assumptions.abort("skipped: nvcc not found: " + e.getMessage());
            throw e;
        }
    }

    static void assertPtx(CompiledModule module, String target) {
        assertEquals(CompiledModule.Kind.PTX, module.kind());
        String ptx = module.ptx();
        assertTrue(ptx.contains(".visible .entry k("), () -> "no entry k in PTX:\n" + ptx);
        assertTrue(ptx.contains(".target " + target), () -> "no .target " + target + " in PTX:\n" + ptx);
        assertTrue(ptx.contains("shfl.sync.down"), () -> "no warp shuffle in PTX:\n" + ptx);
        byte[] image = module.image();
        assertEquals(0, image[image.length - 1], "PTX image ends with a NUL");
        assertEquals(-1, indexOfNul(image, image.length - 1), "only the last byte is a NUL");
    }

    static void assertCubin(CompiledModule module) {
        assertEquals(CompiledModule.Kind.CUBIN, module.kind());
        assertArrayEquals(ELF, Arrays.copyOf(module.image(), 4), "cubin starts with the ELF magic");
        assertTrue(module.imageSize() > 1000, () -> "a cubin of " + module.imageSize() + " bytes is too small");
    }

    private static int indexOfNul(byte[] bytes, int end) {
        for (int i = 0; i < end; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
