package dev.javelin.runtime.cuda;

import java.nio.ByteBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * A page-locked host buffer through which large copies travel. From pageable memory (a Java array)
 * the driver first copies into its own small pinned buffers and then DMAs; copying into one larger
 * pinned buffer ourselves and DMAing from it is faster for batches of megabytes. Both copy calls are
 * synchronous for pinned memory, so the buffer is free again when they return. Grows on demand up to
 * {@link #MAX_BYTES}; longer copies go in chunks.
 */
final class PinnedStaging implements AutoCloseable {
    /** Copies shorter than this go straight from the Java array: staging would not pay. */
    static final int THRESHOLD = 256 << 10;

    static final int MAX_BYTES = 16 << 20;

    private Pointer host;
    private ByteBuffer buffer;
    private int capacity;

    /** Host array to device, through the pinned buffer. */
    void toDevice(CUdeviceptr dst, byte[] src, int srcOffset, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(length - done, ensure(length - done));
            buffer.put(0, src, srcOffset + done, n);
            CudaDevices.check(
                    JCudaDriver.cuMemcpyHtoD(dst.withByteOffset(done), host, n),
                    "cuMemcpyHtoD of " + n + " bytes from pinned staging");
            done += n;
        }
    }

    /** Device to host array, through the pinned buffer. */
    void toHost(byte[] dst, int dstOffset, CUdeviceptr src, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(length - done, ensure(length - done));
            CudaDevices.check(
                    JCudaDriver.cuMemcpyDtoH(host, src.withByteOffset(done), n),
                    "cuMemcpyDtoH of " + n + " bytes into pinned staging");
            buffer.get(0, dst, dstOffset + done, n);
            done += n;
        }
    }

    /** Makes the buffer at least {@code min(wanted, MAX_BYTES)} long; returns its capacity. */
    private int ensure(int wanted) {
        int target = Math.min(wanted, MAX_BYTES);
        if (capacity >= target) {
            return capacity;
        }
        close();
        // Powers of two, so a run of slowly growing copies reallocates a few times only.
        int size = Math.min(MAX_BYTES, Integer.highestOneBit(Math.max(target - 1, 1)) << 1);
        Pointer p = new Pointer();
        int r = JCudaDriver.cuMemAllocHost(p, size);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException(
                    "cuMemAllocHost of " + size + " bytes of pinned staging failed: " + CudaDevices.errorName(r), r);
        }
        host = p;
        buffer = p.getByteBuffer(0, size);
        capacity = size;
        return capacity;
    }

    int capacity() {
        return capacity;
    }

    @Override
    public void close() {
        if (host != null) {
            Pointer p = host;
            host = null;
            buffer = null;
            capacity = 0;
            CudaDevices.check(JCudaDriver.cuMemFreeHost(p), "cuMemFreeHost of pinned staging");
        }
    }
}
