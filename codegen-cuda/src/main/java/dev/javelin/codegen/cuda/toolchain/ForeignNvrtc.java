package dev.javelin.codegen.cuda.toolchain;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NVRTC through {@code java.lang.foreign}: Javelin's own binding, so any libnvrtc version works
 * (NVRTC's C API has kept these signatures since CUDA 11). Libraries are loaded once per process
 * into the global arena and never unloaded; each program's memory lives in a confined arena that
 * its {@code close()} frees.
 */
final class ForeignNvrtc implements NvrtcBinding {
    private static final Map<Path, ForeignNvrtc> LOADED = new ConcurrentHashMap<>();
    private static final int MAX_C_STRING = 1 << 16;

    private final Path library;
    private final MethodHandle version;
    private final MethodHandle errorString;
    private final MethodHandle createProgram;
    private final MethodHandle compileProgram;
    private final MethodHandle logSize;
    private final MethodHandle log;
    private final MethodHandle ptxSize;
    private final MethodHandle ptx;
    private final MethodHandle cubinSize;
    private final MethodHandle cubin;
    private final MethodHandle destroyProgram;

    private ForeignNvrtc(Path library, SymbolLookup lookup) {
        this.library = library;
        FunctionDescriptor programAndPointer = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        version = bind(lookup, "nvrtcVersion", programAndPointer);
        errorString = bind(lookup, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        createProgram = bind(
                lookup,
                "nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compileProgram =
                bind(lookup, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        logSize = bind(lookup, "nvrtcGetProgramLogSize", programAndPointer);
        log = bind(lookup, "nvrtcGetProgramLog", programAndPointer);
        ptxSize = bind(lookup, "nvrtcGetPTXSize", programAndPointer);
        ptx = bind(lookup, "nvrtcGetPTX", programAndPointer);
        cubinSize = bind(lookup, "nvrtcGetCUBINSize", programAndPointer);
        cubin = bind(lookup, "nvrtcGetCUBIN", programAndPointer);
        destroyProgram = bind(lookup, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /**
     * Loads the builtins library first: NVRTC opens it by name on every compile, and the dynamic
     * loader then finds the copy already in the process instead of searching the system paths.
     */
    static ForeignNvrtc load(NvrtcLocator.Found found) {
        Path library = found.library().toAbsolutePath().normalize();
        return LOADED.computeIfAbsent(library, path -> open(path, found));
    }

    private static ForeignNvrtc open(Path library, NvrtcLocator.Found found) {
        try {
            found.builtins().ifPresent(builtins -> SymbolLookup.libraryLookup(builtins, Arena.global()));
            return new ForeignNvrtc(library, SymbolLookup.libraryLookup(library, Arena.global()));
        } catch (IllegalArgumentException | IllegalStateException | IllegalCallerException e) {
            // libraryLookup fails with IllegalArgumentException; native access denied is IllegalCallerException.
            throw new CudaCompilerUnavailableException(
                    "could not load " + library + " through java.lang.foreign: " + e.getMessage(), e);
        }
    }

    private static MethodHandle bind(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol =
                lookup.find(name).orElseThrow(() -> new IllegalStateException("libnvrtc has no symbol " + name));
        return Linker.nativeLinker().downcallHandle(symbol, descriptor);
    }

    @Override
    public String describe() {
        return "java.lang.foreign, " + library;
    }

    @Override
    public int[] version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            check(call(version, major, minor), "nvrtcVersion");
            return new int[] {major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
        }
    }

    @Override
    public String errorString(int result) {
        try {
            MemorySegment text = (MemorySegment) errorString.invokeExact(result);
            if (text.equals(MemorySegment.NULL)) {
                return "unknown NVRTC error";
            }
            return text.reinterpret(MAX_C_STRING).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable e) {
            throw rethrow("nvrtcGetErrorString", e);
        }
    }

    @Override
    public Program create(String source, String fileName) {
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment handle = arena.allocate(ADDRESS);
            int result = (int) createProgram.invokeExact(
                    handle,
                    arena.allocateFrom(source, StandardCharsets.UTF_8),
                    arena.allocateFrom(fileName, StandardCharsets.UTF_8),
                    0,
                    MemorySegment.NULL,
                    MemorySegment.NULL);
            check(result, "nvrtcCreateProgram");
            return new ForeignProgram(arena, handle);
        } catch (Throwable e) {
            arena.close();
            throw rethrow("nvrtcCreateProgram", e);
        }
    }

    private void check(int result, String function) {
        if (result != SUCCESS) {
            throw new IllegalStateException(function + " returned " + errorString(result) + " (" + result + ")");
        }
    }

    private static int call(MethodHandle handle, MemorySegment a, MemorySegment b) {
        try {
            return (int) handle.invokeExact(a, b);
        } catch (Throwable e) {
            throw rethrow("an NVRTC call", e);
        }
    }

    private static RuntimeException rethrow(String function, Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(function + " failed", e);
    }

    /** One program: its handle and the arena holding every buffer its calls need, freed on close. */
    private final class ForeignProgram implements Program {
        private final Arena arena;
        private final MemorySegment handle;
        private final MemorySegment program;

        ForeignProgram(Arena arena, MemorySegment handle) {
            this.arena = arena;
            this.handle = handle;
            this.program = handle.get(ADDRESS, 0);
        }

        @Override
        public int compile(List<String> options) {
            MemorySegment array = arena.allocate(ADDRESS, Math.max(1, options.size()));
            for (int i = 0; i < options.size(); i++) {
                array.setAtIndex(ADDRESS, i, arena.allocateFrom(options.get(i), StandardCharsets.UTF_8));
            }
            try {
                return (int) compileProgram.invokeExact(program, options.size(), array);
            } catch (Throwable e) {
                throw rethrow("nvrtcCompileProgram", e);
            }
        }

        @Override
        public String log() {
            byte[] bytes = fetch(logSize, log, "nvrtcGetProgramLog", true);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] ptx() {
            return fetch(ptxSize, ptx, "nvrtcGetPTX", true);
        }

        @Override
        public byte[] cubin() {
            return fetch(cubinSize, cubin, "nvrtcGetCUBIN", false);
        }

        /** Asks for the size, then the bytes; for text, drops the NUL NVRTC writes after it. */
        private byte[] fetch(MethodHandle sizeCall, MethodHandle dataCall, String function, boolean text) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            check(call(sizeCall, program, size), function + "Size");
            long bytes = size.get(JAVA_LONG, 0);
            if (bytes == 0) {
                return new byte[0];
            }
            MemorySegment buffer = arena.allocate(bytes);
            check(call(dataCall, program, buffer), function);
            byte[] data = buffer.toArray(JAVA_BYTE);
            int end = data.length;
            while (text && end > 0 && data[end - 1] == 0) {
                end--;
            }
            return end == data.length ? data : Arrays.copyOf(data, end);
        }

        @Override
        public void close() {
            try {
                check((int) destroyProgram.invokeExact(handle), "nvrtcDestroyProgram");
            } catch (Throwable e) {
                throw rethrow("nvrtcDestroyProgram", e);
            } finally {
                arena.close();
            }
        }
    }
}
