package dev.javelin.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probe and the device description; runs with or without a GPU. */
class CudaDevicesTest {
    @Test
    void theProbeNeverThrowsAndGivesExactlyADeviceOrAOneLineReason() {
        CudaDevices.Availability a = CudaDevices.probe();
        assertSame(a, CudaDevices.probe(), "the probe is cached");
        if (a.available()) {
            assertTrue(a.device().arch().matches("sm_\\d+"), a.device().arch());
            assertTrue(a.device().totalMemory() > 0, a.device().describe());
        } else {
            assertFalse(a.reason().isBlank());
            assertFalse(a.reason().contains("\n"), a.reason());
            var e = assertThrows(IllegalStateException.class, a::require);
            assertTrue(e.getMessage().startsWith("no usable GPU: "), e.getMessage());
            var c = assertThrows(IllegalStateException.class, CudaContext::open);
            assertTrue(c.getMessage().contains(a.reason()), c.getMessage());
        }
    }

    @Test
    void deviceInfoNamesTheArchitectureAndDriverVersion() {
        var h100 = new CudaDevices.DeviceInfo("NVIDIA H100 80GB HBM3", 9, 0, 132, 85_045_870_592L, 13000);
        assertEquals("sm_90", h100.arch());
        assertEquals("13.0", h100.driverVersionText());
        assertEquals("NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 79.2 GiB, driver CUDA 13.0)", h100.describe());
        assertEquals("12.6", new CudaDevices.DeviceInfo("x", 8, 6, 1, 0, 12060).driverVersionText());
    }

    @Test
    void jcudasLongLoadErrorIsCutToItsLastAttempt() {
        var jcuda = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Operating system name: Linux\n---(start of nested stack traces)---\n"
                + "Stack trace from the attempt to load the library as a file:\njava.lang.UnsatisfiedLinkError: no"
                + " JCudaDriver in java.library.path\n\tat java.base/java.lang.ClassLoader.loadLibrary(X.java:1)\n"
                + "Stack trace from the attempt to load the library as a resource:\njava.lang.UnsatisfiedLinkError:"
                + " /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file: No such file or"
                + " directory\n\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)\n");
        assertEquals(
                "/tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file: No such file or directory",
                CudaDevices.loadFailure(jcuda));
        assertEquals("first line", CudaDevices.loadFailure(new UnsatisfiedLinkError("first line\nsecond")));
        assertEquals(
                "UnsatisfiedLinkError",
                CudaDevices.loadFailure(new ExceptionInInitializerError(new UnsatisfiedLinkError())));
    }

    @Test
    void availabilityHoldsExactlyOneOfDeviceAndReason() {
        var d = new CudaDevices.DeviceInfo("x", 8, 0, 1, 1, 12000);
        assertThrows(IllegalArgumentException.class, () -> new CudaDevices.Availability(d, "why"));
        assertThrows(IllegalArgumentException.class, () -> new CudaDevices.Availability(null, null));
        assertThrows(IllegalArgumentException.class, () -> new CudaDevices.DeviceInfo("x", 0, 0, 1, 1, 1));
    }
}
