package dev.javelin.runtime.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Whether this process can use a GPU, and what it is. {@link #probe()} never throws: a machine without
 * the NVIDIA driver (no libcuda), without JCuda's natives, or without a device gets a one-line reason,
 * so tests skip with it and the CLI reports it. The answer is computed once per process.
 */
public final class CudaDevices {
    /** Set by the GPU check: GPU tests fail instead of skipping when there is no usable GPU. */
    public static final String REQUIRED_PROPERTY = "javelin.gpu.required";

    private static volatile Availability cached;

    private CudaDevices() {}

    /** Device 0 as the driver describes it. */
    public record DeviceInfo(
            String name, int major, int minor, int multiprocessors, long totalMemory, int driverVersion) {
        public DeviceInfo {
            if (name == null || major < 1 || minor < 0 || totalMemory < 0) {
                throw new IllegalArgumentException("device info: name " + name + ", compute capability " + major
                        + "." + minor + ", memory " + totalMemory + "; expected a name, a capability >= 1.0 and"
                        + " memory >= 0");
            }
        }

        /** The architecture as nvcc and NVRTC name it: {@code sm_90} for compute capability 9.0. */
        public String arch() {
            return "sm_" + major + minor;
        }

        /** The driver's CUDA version: {@code 13.0} for 13000. */
        public String driverVersionText() {
            return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
        }

        /** For logs: {@code NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 79.1 GiB, driver CUDA 13.0)}. */
        public String describe() {
            return String.format(
                    "%s (%s, %d SMs, %.1f GiB, driver CUDA %s)",
                    name, arch(), multiprocessors, totalMemory / (double) (1L << 30), driverVersionText());
        }
    }

    /** Either a device (and no reason) or a one-line reason (and no device). */
    public record Availability(DeviceInfo device, String reason) {
        public Availability {
            if ((device == null) == (reason == null)) {
                throw new IllegalArgumentException(
                        "availability needs exactly one of a device and a reason, got " + device + " and " + reason);
            }
        }

        public boolean available() {
            return device != null;
        }

        /** The device, or an exception carrying the reason there is none. */
        public DeviceInfo require() {
            if (device == null) {
                throw new IllegalStateException("no usable GPU: " + reason);
            }
            return device;
        }
    }

    /** Whether the GPU check asked for GPU tests to fail, not skip, without a GPU. */
    public static boolean gpuRequired() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** Loads JCuda, initializes the driver and describes device 0; cached, never throws. */
    public static Availability probe() {
        Availability a = cached;
        if (a == null) {
            synchronized (CudaDevices.class) {
                a = cached;
                if (a == null) {
                    a = probeOnce();
                    cached = a;
                }
            }
        }
        return a;
    }

    private static Availability probeOnce() {
        try {
            // JCudaDriver's class initializer loads the JNI library, which links against libcuda.so.1.
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError | RuntimeException e) {
            return new Availability(null, whyNotLoaded(e));
        }
        try {
            int r = JCudaDriver.cuInit(0);
            if (r != CUresult.CUDA_SUCCESS) {
                return new Availability(null, "cuInit failed: " + errorName(r) + hintFor(r));
            }
            int[] count = {0};
            r = JCudaDriver.cuDeviceGetCount(count);
            if (r != CUresult.CUDA_SUCCESS) {
                return new Availability(null, "cuDeviceGetCount failed: " + errorName(r));
            }
            if (count[0] == 0) {
                return new Availability(null, "the CUDA driver sees zero devices (check CUDA_VISIBLE_DEVICES)");
            }
            return new Availability(describeDevice0(), null);
        } catch (RuntimeException | LinkageError e) {
            return new Availability(null, "probing the GPU failed: " + oneLine(e));
        }
    }

    private static DeviceInfo describeDevice0() {
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet(0)");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        long[] mem = {0};
        check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        int[] version = {0};
        check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        return new DeviceInfo(
                new String(name, 0, end, StandardCharsets.UTF_8),
                attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                mem[0],
                version[0]);
    }

    static int attribute(CUdevice dev, int attribute) {
        int[] value = {0};
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    private static String whyNotLoaded(Throwable e) {
        String message = loadFailure(e);
        if (message.contains("libcuda")) {
            return "the NVIDIA driver's libcuda.so.1 is not on this machine, so JCuda cannot load (" + message + ")";
        }
        return "JCuda's native library failed to load: " + message;
    }

    /**
     * The essence of JCuda's load error, which carries two whole stack traces in its message: the
     * error of its last attempt (loading the library extracted from the jar), else the first line.
     */
    static String loadFailure(Throwable e) {
        Throwable t = e.getMessage() == null && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String marker = "as a resource:";
        int at = m.lastIndexOf(marker);
        if (at >= 0) {
            String rest = m.substring(at + marker.length()).stripLeading();
            int end = rest.length();
            for (String stop : new String[] {"\n", "\tat ", "\r"}) {
                int k = rest.indexOf(stop);
                end = k >= 0 ? Math.min(end, k) : end;
            }
            m = rest.substring(0, end).replace("java.lang.UnsatisfiedLinkError: ", "");
        } else {
            int nl = m.indexOf('\n');
            m = nl >= 0 ? m.substring(0, nl) : m;
        }
        m = m.strip();
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    private static String hintFor(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_NO_DEVICE -> " (no CUDA-capable device is visible)";
            case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH ->
                " (the kernel driver and libcuda are different versions)";
            case CUresult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE ->
                " (the forward-compatibility driver does not" + " support this device)";
            default -> "";
        };
    }

    private static String oneLine(Throwable e) {
        return e.getClass().getSimpleName() + ": " + loadFailure(e);
    }

    /**
     * The driver's name for a result code ({@code CUDA_ERROR_ILLEGAL_ADDRESS}), with the code; falls
     * back to JCuda's table when the driver does not know the code.
     */
    public static String errorName(int result) {
        String[] name = {null};
        try {
            if (JCudaDriver.cuGetErrorName(result, name) != CUresult.CUDA_SUCCESS || name[0] == null) {
                name[0] = CUresult.stringFor(result);
            }
        } catch (LinkageError e) {
            name[0] = CUresult.stringFor(result);
        }
        return name[0] + " (" + result + ")";
    }

    /** The driver's one-line explanation of a result code, or "" when it has none. */
    static String errorText(int result) {
        String[] text = {null};
        if (JCudaDriver.cuGetErrorString(result, text) != CUresult.CUDA_SUCCESS || text[0] == null) {
            return "";
        }
        return text[0];
    }

    /** Throws a {@link CudaException} naming the call when {@code result} is not success. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + errorName(result) + explain(result), result);
        }
    }

    static String explain(int result) {
        String text = errorText(result);
        return text.isEmpty() ? "" : ": " + text;
    }
}
