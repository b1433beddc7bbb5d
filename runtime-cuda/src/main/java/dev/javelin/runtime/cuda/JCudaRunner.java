package dev.javelin.runtime.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

/**
 * Runs a compiled program's kernels on the GPU through the JCuda driver API: one module (PTX or
 * CUBIN), its functions looked up once, and one device allocation, the program's memory block, whose
 * base pointer is every kernel's only argument. Not thread-safe: one thread at a time (any thread;
 * each call makes the context current first).
 *
 * <p>Launches go to the default stream and {@link #launch} synchronizes at its end, so a fault
 * surfaces there; the kernel it names is a guess (errors are asynchronous) unless the system property
 * {@value #SYNC_PROPERTY} is set, which synchronizes after every launch to name the exact one.
 */
public final class JCudaRunner implements KernelRunner {
    /** Synchronize after every launch, so an error names the kernel that caused it (slow; debugging). */
    public static final String SYNC_PROPERTY = "javelin.cuda.sync";

    /** Launches with more dynamic shared memory than this need the function's limit raised first. */
    private static final int DEFAULT_SHARED_LIMIT = 48 << 10;

    private static final int LOG_BYTES = 16 << 10;
    private static final int RECENT_LAUNCHES = 4;
    private static final CUstream DEFAULT_STREAM = new CUstream();

    private final CudaContext context;
    private final CUmodule module;
    private final Map<String, CUfunction> functions;
    private final Map<String, Integer> sharedLimits = new LinkedHashMap<>();
    private final CUdeviceptr block;
    private final BlockBounds bounds;
    private final Pointer kernelParams;
    private final PinnedStaging staging = new PinnedStaging();
    private final EventTimer timer = new EventTimer();
    private final boolean syncEach = Boolean.getBoolean(SYNC_PROPERTY);
    private boolean closed;

    private JCudaRunner(
            CudaContext context, CUmodule module, Map<String, CUfunction> functions, CUdeviceptr block, long size) {
        this.context = context;
        this.module = module;
        this.functions = functions;
        this.block = block;
        this.bounds = new BlockBounds(size);
        // cuLaunchKernel's kernelParams: an array of pointers to the argument values; the one
        // argument is the block's device pointer (char* m).
        this.kernelParams = Pointer.to(Pointer.to(block));
    }

    /**
     * Loads {@code image} (PTX text, NUL-terminated or not, or a CUBIN/fatbin), looks up {@code
     * functionNames} and allocates a zeroed {@code blockBytes}-byte block. The context stays the
     * caller's: closing the runner does not close it.
     */
    public static JCudaRunner create(CudaContext context, byte[] image, List<String> functionNames, long blockBytes) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("the CUDA module image is empty");
        }
        if (blockBytes < 0) {
            throw new IllegalArgumentException("memory block size " + blockBytes + " is negative");
        }
        context.makeCurrent();
        CUmodule module = loadModule(context, image);
        CUdeviceptr block = null;
        try {
            Map<String, CUfunction> functions = lookUp(module, functionNames);
            block = allocate(context, blockBytes);
            return new JCudaRunner(context, module, functions, block, blockBytes);
        } catch (RuntimeException e) {
            if (block != null) {
                JCudaDriver.cuMemFree(block);
            }
            JCudaDriver.cuModuleUnload(module);
            throw e;
        }
    }

    private static CUmodule loadModule(CudaContext context, byte[] image) {
        boolean ptx = ModuleImage.isPtx(image);
        byte[] data = ptx ? ModuleImage.nulTerminated(image) : image;
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        jit.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        CUmodule module = new CUmodule();
        int r = JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(data), jit);
        if (r != CUresult.CUDA_SUCCESS) {
            String errors = logText(jit.getBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER));
            String info = logText(jit.getBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER));
            throw new CudaException(
                    "cuModuleLoadDataEx failed: " + CudaDevices.errorName(r) + CudaDevices.explain(r) + "; loading a "
                            + image.length + "-byte " + ModuleImage.describe(image) + " on "
                            + context.device().describe() + "; JIT error log: "
                            + (errors.isEmpty() ? "(empty)" : errors)
                            + (info.isEmpty() ? "" : "; JIT info log: " + info),
                    r);
        }
        return module;
    }

    private static String logText(byte[] log) {
        if (log == null) {
            return "";
        }
        int end = 0;
        while (end < log.length && log[end] != 0) {
            end++;
        }
        return new String(log, 0, end, StandardCharsets.UTF_8).strip();
    }

    private static Map<String, CUfunction> lookUp(CUmodule module, List<String> names) {
        Map<String, CUfunction> functions = new LinkedHashMap<>();
        for (String name : names) {
            CUfunction f = new CUfunction();
            int r = JCudaDriver.cuModuleGetFunction(f, module, name);
            if (r != CUresult.CUDA_SUCCESS) {
                throw new CudaException(
                        "cuModuleGetFunction(\"" + name + "\") failed: " + CudaDevices.errorName(r)
                                + "; the module has no extern \"C\" __global__ function of that name (requested: "
                                + names + ")",
                        r);
            }
            functions.put(name, f);
        }
        return functions;
    }

    private static CUdeviceptr allocate(CudaContext context, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        // cuMemAlloc refuses zero bytes; a program without memory still gets a valid pointer.
        int r = JCudaDriver.cuMemAlloc(p, Math.max(bytes, 1));
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new CudaException(
                    "out of GPU memory: cuMemAlloc of " + bytes + " bytes (" + mib(bytes) + ") for the program's"
                            + " memory block failed with " + CudaDevices.errorName(r) + "; the device has "
                            + context.memoryInfo().describe(),
                    r);
        }
        CudaDevices.check(r, "cuMemAlloc of " + bytes + " bytes");
        // Zeroed like a new Java array, so a kernel reading memory nobody wrote sees what the CPU backend sees.
        int z = JCudaDriver.cuMemsetD8(p, (byte) 0, Math.max(bytes, 1));
        if (z != CUresult.CUDA_SUCCESS) {
            JCudaDriver.cuMemFree(p);
            CudaDevices.check(z, "cuMemsetD8 zeroing " + bytes + " bytes");
        }
        return p;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    @Override
    public String describe() {
        return "GPU " + context.device().describe() + ", JCuda driver API";
    }

    /** The memory block's size in bytes. */
    public long blockBytes() {
        return bounds.size();
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        bounds.checkHostCopy("write", offset, src.length, srcOffset, length);
        if (length == 0) {
            return;
        }
        enter();
        CUdeviceptr dst = block.withByteOffset(offset);
        if (length >= PinnedStaging.THRESHOLD) {
            staging.toDevice(dst, src, srcOffset, length);
        } else {
            CudaDevices.check(
                    JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(src).withByteOffset(srcOffset), length),
                    "cuMemcpyHtoD of " + length + " bytes to block offset " + offset);
        }
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        bounds.checkHostCopy("read", offset, dst.length, dstOffset, length);
        if (length == 0) {
            return;
        }
        enter();
        CUdeviceptr src = block.withByteOffset(offset);
        if (length >= PinnedStaging.THRESHOLD) {
            staging.toHost(dst, dstOffset, src, length);
        } else {
            CudaDevices.check(
                    JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(dstOffset), src, length),
                    "cuMemcpyDtoH of " + length + " bytes from block offset " + offset);
        }
    }

    @Override
    public void copy(long from, long to, long bytes) {
        bounds.checkDeviceCopy(from, to, bytes);
        if (bytes == 0 || from == to) {
            return;
        }
        enter();
        CudaDevices.check(
                JCudaDriver.cuMemcpyDtoD(block.withByteOffset(to), block.withByteOffset(from), bytes),
                "cuMemcpyDtoD of " + bytes + " bytes from block offset " + from + " to " + to);
    }

    @Override
    public void launch(List<CudaLaunch> launches) {
        enter();
        for (int k = 0; k < launches.size(); k++) {
            launchOne(launches, k);
        }
        synchronize(launches, launches.size());
    }

    /**
     * Runs the launches like {@link #launch} and returns each one's GPU time in nanoseconds, measured
     * with CUDA events (for benchmarks; the events add a few microseconds to the whole).
     */
    public long[] launchTimed(List<CudaLaunch> launches) {
        enter();
        timer.ensure(launches.size() + 1);
        timer.record(0);
        for (int k = 0; k < launches.size(); k++) {
            launchOne(launches, k);
            timer.record(k + 1);
        }
        synchronize(launches, launches.size());
        return timer.elapsed(launches.size());
    }

    private void launchOne(List<CudaLaunch> launches, int k) {
        CudaLaunch l = launches.get(k);
        CUfunction f = function(l);
        raiseSharedLimit(f, l);
        int r = JCudaDriver.cuLaunchKernel(
                f,
                l.gridX(),
                l.gridY(),
                l.gridZ(),
                l.blockX(),
                l.blockY(),
                l.blockZ(),
                l.sharedBytes(),
                DEFAULT_STREAM,
                kernelParams,
                null);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException(
                    "cuLaunchKernel of " + l.describe() + " with " + l.sharedBytes() + " bytes of dynamic shared"
                            + " memory failed: " + CudaDevices.errorName(r) + CudaDevices.explain(r)
                            + stickyNote(r),
                    r);
        }
        if (syncEach) {
            synchronize(launches, k + 1);
        }
    }

    private CUfunction function(CudaLaunch l) {
        CUfunction f = functions.get(l.function());
        if (f == null) {
            throw new IllegalArgumentException("launch of " + l.describe() + ": the module has no function "
                    + l.function() + " among the ones looked up: " + functions.keySet());
        }
        return f;
    }

    /** Dynamic shared memory beyond 48 KiB must be allowed per function before the launch. */
    private void raiseSharedLimit(CUfunction f, CudaLaunch l) {
        int wanted = l.sharedBytes();
        if (wanted <= DEFAULT_SHARED_LIMIT || wanted <= sharedLimits.getOrDefault(l.function(), 0)) {
            return;
        }
        CudaDevices.check(
                JCudaDriver.cuFuncSetAttribute(
                        f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, wanted),
                "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, " + wanted + ") for " + l.describe());
        sharedLimits.put(l.function(), wanted);
    }

    /** Waits for the GPU; on an error names the last launches, the likeliest culprits. */
    private void synchronize(List<CudaLaunch> launches, int done) {
        int r = JCudaDriver.cuCtxSynchronize();
        if (r == CUresult.CUDA_SUCCESS) {
            return;
        }
        List<String> recent = new ArrayList<>();
        for (int k = Math.max(0, done - RECENT_LAUNCHES); k < done; k++) {
            recent.add("#" + k + " " + launches.get(k).describe());
        }
        String where = syncEach
                ? "launch " + recent.getLast() + " failed"
                : "one of the " + done + " launches failed (the error is asynchronous; set -D" + SYNC_PROPERTY
                        + "=true to name the exact kernel); the last ones were " + recent;
        throw new CudaException(
                "cuCtxSynchronize failed: " + CudaDevices.errorName(r) + CudaDevices.explain(r) + "; " + where
                        + stickyNote(r),
                r);
    }

    private static String stickyNote(int r) {
        return CudaException.isSticky(r)
                ? "; the CUDA context is now unusable, so every later GPU call in this process fails too"
                        + " (compute-sanitizer --tool memcheck finds the faulting access)"
                : "";
    }

    private void enter() {
        if (closed) {
            throw new IllegalStateException("the GPU runner is closed");
        }
        context.makeCurrent();
    }

    /** Frees the block, the staging buffer and the events, and unloads the module; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        context.makeCurrent();
        closed = true;
        List<String> failures = new ArrayList<>();
        attempt(failures, timer::close);
        attempt(failures, staging::close);
        attempt(failures, () -> CudaDevices.check(JCudaDriver.cuMemFree(block), "cuMemFree of the memory block"));
        attempt(failures, () -> CudaDevices.check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload"));
        if (!failures.isEmpty()) {
            throw new IllegalStateException("closing the GPU runner: " + String.join("; ", failures));
        }
    }

    private static void attempt(List<String> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "JCudaRunner[" + bounds.size() + " bytes, functions "
                + Arrays.toString(functions.keySet().toArray()) + "]";
    }
}
