package dev.javelin.codegen.cuda.toolchain;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compiler for tests of what surrounds compiling (selection, the cache): it "compiles" to PTX
 * that records its input, counts its compiles, and fails on sources containing {@code #error}.
 */
final class FakeCompiler implements CudaCompiler {
    private final String name;
    private final String version;
    final AtomicInteger compiles = new AtomicInteger();

    FakeCompiler(String name, String version) {
        this.name = name;
        this.version = version;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public CompiledModule compile(String source, String fileName, String arch, List<String> options) {
        CompileRequest request = CompileRequest.of(source, fileName, arch, options);
        compiles.incrementAndGet();
        if (source.contains("#error")) {
            throw new CudaCompileException(describe(), request, "fake failure", fileName + "(1): error: #error");
        }
        String text = "// " + fileName + " " + options + "\n.target " + arch + "\n" + source;
        byte[] ptx = CompiledModule.nulTerminated(text.getBytes(StandardCharsets.UTF_8));
        return new CompiledModule(ptx, CompiledModule.Kind.PTX, arch, describe(), "fake log", 7);
    }
}
