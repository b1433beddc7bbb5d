package dev.javelin.runtime.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * A retained reference to device 0's primary context, the one context a process shares with every
 * other CUDA user in it (PyTorch included). Each handle retains the context once and releases it on
 * {@link #close()}; the driver destroys it when the last retain is released. Runners call {@link
 * #makeCurrent()} before driver calls, so any thread may use them (one at a time).
 */
public final class CudaContext implements AutoCloseable {
    private final CUdevice device;
    private final CUcontext context;
    private final CudaDevices.DeviceInfo info;
    private volatile boolean closed;

    private CudaContext(CUdevice device, CUcontext context, CudaDevices.DeviceInfo info) {
        this.device = device;
        this.context = context;
        this.info = info;
    }

    /** Retains device 0's primary context; throws with the probe's reason when there is no usable GPU. */
    public static CudaContext open() {
        CudaDevices.DeviceInfo info = CudaDevices.probe().require();
        CUdevice device = new CUdevice();
        CudaDevices.check(JCudaDriver.cuDeviceGet(device, 0), "cuDeviceGet(0)");
        CUcontext context = new CUcontext();
        CudaDevices.check(
                JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain for " + info.name());
        CudaContext handle = new CudaContext(device, context, info);
        handle.makeCurrent();
        return handle;
    }

    public CudaDevices.DeviceInfo device() {
        return info;
    }

    /** Makes the context current on the calling thread (cheap; done before every runner call). */
    public void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("the CUDA context handle for " + info.name() + " is closed");
        }
        CudaDevices.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Free and total device memory now, as the driver counts them (other processes included). */
    public MemoryInfo memoryInfo() {
        makeCurrent();
        long[] free = {0};
        long[] total = {0};
        CudaDevices.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new MemoryInfo(free[0], total[0]);
    }

    /** Device memory in bytes. */
    public record MemoryInfo(long free, long total) {
        public MemoryInfo {
            if (free < 0 || total < free) {
                throw new IllegalArgumentException(
                        "memory info: free " + free + ", total " + total + "; expected 0 <= free <= total");
            }
        }

        /** For messages: {@code 1.2 GiB free of 79.1 GiB}. */
        public String describe() {
            return String.format("%.1f GiB free of %.1f GiB", free / (double) (1L << 30), total / (double) (1L << 30));
        }
    }

    /** Releases this handle's retain; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CudaDevices.check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
    }
}
