package dev.javelin.codegen.cuda.toolchain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiles with NVRTC, NVIDIA's run-time CUDA compiler library: no executable, no temp files, and
 * it needs no GPU. {@code --gpu-architecture=sm_NN} gives a cubin ({@code nvrtcGetCUBIN}),
 * {@code compute_NN} PTX ({@code nvrtcGetPTX}).
 */
public final class NvrtcCompiler implements CudaCompiler {
    private final NvrtcBinding binding;
    private final String version;

    NvrtcCompiler(NvrtcBinding binding) {
        this.binding = binding;
        int[] v = binding.version();
        this.version = v[0] + "." + v[1];
    }

    /**
     * NVRTC through JCuda's JNI binding. JCuda 12.6 links {@code libnvrtc.so.12} with versioned
     * symbols, so on a machine with only CUDA 13 this fails.
     *
     * @throws CudaCompilerUnavailableException with the loader's reason when JCuda's NVRTC cannot load
     */
    public static NvrtcCompiler jcuda() {
        if (!jcudaPresent()) {
            throw new CudaCompilerUnavailableException("JCuda is not on the class path (the @Model processor"
                    + " carries none; the CLI and the CUDA runtime do)");
        }
        return new NvrtcCompiler(JcudaNvrtc.load());
    }

    /** Whether JCuda's NVRTC binding is on the class path, without loading its native part. */
    static boolean jcudaPresent() {
        try {
            Class.forName("jcuda.nvrtc.JNvrtc", false, NvrtcCompiler.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * NVRTC through {@code java.lang.foreign}: {@code library} (a libnvrtc file, or a folder holding
     * one) when given, else found by {@link NvrtcLocator}.
     *
     * @throws CudaCompilerUnavailableException saying where it looked, or why loading failed
     */
    public static NvrtcCompiler foreign(Optional<Path> library) {
        NvrtcLocator.Found found = NvrtcLocator.system().locate(library);
        return new NvrtcCompiler(ForeignNvrtc.load(found));
    }

    @Override
    public String name() {
        return "nvrtc (" + binding.describe() + ")";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public CompiledModule compile(String source, String fileName, String arch, List<String> options) {
        CompileRequest request = CompileRequest.of(source, fileName, arch, options);
        long start = System.nanoTime();
        try (NvrtcBinding.Program program = binding.create(request.source(), request.fileName())) {
            int result = program.compile(options(request));
            String log = program.log();
            if (result != NvrtcBinding.SUCCESS) {
                throw new CudaCompileException(describe(), request, failure("nvrtcCompileProgram", result), log);
            }
            byte[] image = request.arch().ptxOnly() ? CompiledModule.nulTerminated(program.ptx()) : program.cubin();
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new CompiledModule(
                    image, request.arch().kind(), request.arch().name(), describe(), log, millis);
        }
    }

    private static List<String> options(CompileRequest request) {
        List<String> options = new ArrayList<>();
        options.add("--gpu-architecture=" + request.arch().name());
        options.addAll(CompileRequest.STANDARD_OPTIONS);
        options.addAll(request.options());
        return options;
    }

    private String failure(String call, int result) {
        return call + " returned " + binding.errorString(result) + " (" + result + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
