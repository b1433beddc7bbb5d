package dev.javelin.runtime.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The gate of every GPU test: without a usable GPU the test skips with the probe's one-line reason,
 * or fails with it when the GPU check set {@value CudaDevices#REQUIRED_PROPERTY}{@code =true} (there, a
 * skipped GPU test would hide a broken driver setup). Shared with later modules through the test jar.
 */
public final class GpuTests {
    private GpuTests() {}

    /** The device, or a skip (a failure when a GPU is required) saying why there is none. */
    public static CudaDevices.DeviceInfo requireGpu() {
        CudaDevices.Availability a = CudaDevices.probe();
        if (!a.available()) {
            if (CudaDevices.gpuRequired()) {
                fail(CudaDevices.REQUIRED_PROPERTY + "=true, but there is no usable GPU: " + a.reason());
            }
            Assumptions.abort("no GPU: " + a.reason());
        }
        return a.device();
    }
}
