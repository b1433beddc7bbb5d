package dev.javelin.codegen.cuda.toolchain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;

/**
 * NVRTC through JCuda's JNI binding ({@code jcuda.nvrtc.JNvrtc}). Its native part is linked against
 * {@code libnvrtc.so.12} with versioned symbols: it works where CUDA 12's NVRTC is installed and
 * fails to load elsewhere, which {@link #load()} reports as the reason to skip it.
 */
final class JcudaNvrtc implements NvrtcBinding {
    /**
     * JNvrtc's class initializer loads the native library once; when that fails, later uses only
     * see "Could not initialize class", so the first reason is kept for every later report.
     */
    private static String loadFailure;

    private final String jcudaVersion;
    private final int[] version;

    private JcudaNvrtc(String jcudaVersion, int[] version) {
        this.jcudaVersion = jcudaVersion;
        this.version = version;
    }

    static synchronized JcudaNvrtc load() {
        if (loadFailure != null) {
            throw new CudaCompilerUnavailableException(loadFailure);
        }
        String jcudaVersion = jcudaVersion();
        try {
            JNvrtc.setExceptionsEnabled(false);
            int[] major = new int[1];
            int[] minor = new int[1];
            int result = JNvrtc.nvrtcVersion(major, minor);
            if (result != SUCCESS) {
                throw new IllegalStateException("nvrtcVersion returned " + JNvrtc.nvrtcGetErrorString(result));
            }
            return new JcudaNvrtc(jcudaVersion, new int[] {major[0], minor[0]});
        } catch (LinkageError | RuntimeException e) {
            // UnsatisfiedLinkError (libnvrtc.so.12 missing, or its symbols' versions) is the usual one.
            loadFailure = "JCuda " + jcudaVersion + " could not load its NVRTC binding (it needs CUDA 12's"
                    + " libnvrtc.so.12): " + loaderReason(e);
            throw new CudaCompilerUnavailableException(loadFailure, e);
        }
    }

    private static String jcudaVersion() {
        try (InputStream in = JNvrtc.class.getResourceAsStream("/META-INF/maven/org.jcuda/jcuda/pom.properties")) {
            if (in == null) {
                return "(version unknown)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            return "(version unknown)";
        }
    }

    /**
     * JCuda's loader message is many lines: its own headline, then the stack trace of each way it
     * tried. The line that names the missing library ({@code libnvrtc.so.12: cannot open shared
     * object file}) says the most, so it is the one kept.
     */
    private static String loaderReason(Throwable e) {
        Throwable root = rootCause(e);
        String message = root.getMessage() == null ? "" : root.getMessage().strip();
        List<String> linkErrors = message.lines()
                .filter(line -> line.startsWith("java.lang.UnsatisfiedLinkError: "))
                .map(line -> line.substring("java.lang.".length()))
                .toList();
        return linkErrors.stream()
                .filter(line -> line.contains("libnvrtc"))
                .reduce((first, second) -> second)
                .or(() -> linkErrors.stream().reduce((first, second) -> second))
                .orElseGet(() -> root.getClass().getSimpleName() + ": "
                        + message.lines().findFirst().orElse("(no message)"));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    @Override
    public String describe() {
        return "JCuda " + jcudaVersion;
    }

    @Override
    public int[] version() {
        return version.clone();
    }

    @Override
    public String errorString(int result) {
        return JNvrtc.nvrtcGetErrorString(result);
    }

    @Override
    public Program create(String source, String fileName) {
        nvrtcProgram program = new nvrtcProgram();
        check(JNvrtc.nvrtcCreateProgram(program, source, fileName, 0, null, null), "nvrtcCreateProgram");
        return new JcudaProgram(program);
    }

    private void check(int result, String call) {
        if (result != SUCCESS) {
            throw new IllegalStateException(call + " returned " + errorString(result) + " (" + result + ")");
        }
    }

    private final class JcudaProgram implements Program {
        private final nvrtcProgram program;

        JcudaProgram(nvrtcProgram program) {
            this.program = program;
        }

        @Override
        public int compile(List<String> options) {
            return JNvrtc.nvrtcCompileProgram(program, options.size(), options.toArray(String[]::new));
        }

        @Override
        public String log() {
            String[] log = new String[1];
            check(JNvrtc.nvrtcGetProgramLog(program, log), "nvrtcGetProgramLog");
            return stripNul(log[0]);
        }

        @Override
        public byte[] ptx() {
            String[] ptx = new String[1];
            check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX");
            return stripNul(ptx[0]).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] cubin() {
            long[] size = new long[1];
            check(JNvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize");
            byte[] cubin = new byte[Math.toIntExact(size[0])];
            check(JNvrtc.nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN");
            return cubin;
        }

        @Override
        public void close() {
            check(JNvrtc.nvrtcDestroyProgram(program), "nvrtcDestroyProgram");
        }

        private static String stripNul(String s) {
            if (s == null) {
                return "";
            }
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '\0') {
                end--;
            }
            return s.substring(0, end);
        }
    }
}
