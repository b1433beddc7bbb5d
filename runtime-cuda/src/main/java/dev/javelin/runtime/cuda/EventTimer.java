package dev.javelin.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * CUDA events around each launch, for per-kernel times in benchmarks: one event before the first
 * launch and one after each, on the default stream, so launch k took the time between events k and
 * k+1 on the GPU (resolution about half a microsecond). Events are created once and reused.
 */
final class EventTimer implements AutoCloseable {
    private final List<CUevent> events = new ArrayList<>();

    /** Makes sure {@code count} events exist. */
    void ensure(int count) {
        while (events.size() < count) {
            CUevent e = new CUevent();
            CudaDevices.check(JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            events.add(e);
        }
    }

    /** Records event {@code index} on the default stream. */
    void record(int index) {
        CudaDevices.check(JCudaDriver.cuEventRecord(events.get(index), new CUstream()), "cuEventRecord");
    }

    /** Waits for event {@code last}; returns the nanoseconds between each consecutive pair up to it. */
    long[] elapsed(int last) {
        CudaDevices.check(JCudaDriver.cuEventSynchronize(events.get(last)), "cuEventSynchronize");
        long[] nanos = new long[last];
        float[] ms = {0};
        for (int k = 0; k < last; k++) {
            CudaDevices.check(
                    JCudaDriver.cuEventElapsedTime(ms, events.get(k), events.get(k + 1)), "cuEventElapsedTime");
            nanos[k] = Math.round(ms[0] * 1e6);
        }
        return nanos;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (CUevent e : events) {
            try {
                CudaDevices.check(JCudaDriver.cuEventDestroy(e), "cuEventDestroy");
            } catch (RuntimeException ex) {
                first = first == null ? ex : first;
            }
        }
        events.clear();
        if (first != null) {
            throw first;
        }
    }
}
