package dev.javelin.compiler.cpu;

import dev.javelin.JavelinException;
import dev.javelin.codegen.simd.CpuCodegen;
import dev.javelin.codegen.simd.GeneratedProgram;
import dev.javelin.compiler.Version;
import dev.javelin.ir.config.Flags;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuKernels;
import dev.javelin.runtime.cpu.CpuPool;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The CPU backend's just-in-time path: plan → Java source ({@link CpuCodegen}) → classes (javac in
 * this process, or the disk cache keyed by a hash of the plan text, the Javelin version, the
 * generated source and the JVM's version) → an executor over the program's memory. Logs whether
 * javac ran.
 */
public final class CpuBackend {
    /** A compiled program: what makes executors, and how it was obtained. */
    public record Compiled(GeneratedProgram program, CpuExecutor.Factory factory, boolean fromCache, long millis) {
        public CpuExecutor executor(CpuPool pool) {
            return new CpuExecutor(program.layout(), factory, pool);
        }
    }

    private static final String PACKAGE = "dev.javelin.generated";

    private CpuBackend() {}

    static final String VECTOR_API = "jdk.incubator.vector";

    /**
     * The generated classes use the Vector API, an incubator module the JVM resolves only when asked:
     * without it they fail to link with an access error that names none of this.
     */
    static void requireVectorApi(boolean resolved) {
        if (!resolved) {
            throw new JavelinException("the CPU backend's generated code uses the Vector API (" + VECTOR_API
                    + "), which this JVM was started without: add '--add-modules " + VECTOR_API
                    + "' to the java command (in a Maven test, to Surefire's argLine); see docs/api.md");
        }
    }

    /** Compiles {@code plan}, using and filling the cache in {@code cacheDir} (none if null). */
    public static Compiled compile(Plan plan, Path cacheDir, Consumer<String> log) {
        requireVectorApi(ModuleLayer.boot().findModule(VECTOR_API).isPresent());
        long t0 = System.nanoTime();
        String text = PlanPrinter.print(plan);
        String className = "Cpu_" + ClassCache.key(text).substring(0, 16);
        GeneratedProgram program = CpuCodegen.generate(plan, PACKAGE, className);
        dump(program, log);
        // The plan text and the Javelin version decide the source; keying on the source itself also
        // catches a changed code generator between builds of one version (and the JVM, its javac).
        String key = ClassCache.key(
                text, Version.javelin(), program.source(), Runtime.version().toString());
        ClassCache cache = cacheDir == null ? null : new ClassCache(cacheDir);
        Map<String, byte[]> classes = null;
        boolean hit = false;
        if (cache != null) {
            switch (cache.get(key)) {
                case ClassCache.Lookup.Hit h -> {
                    classes = h.classes();
                    hit = true;
                }
                case ClassCache.Lookup.Corrupt c ->
                    log.accept("cache entry " + cache.file(key) + " is corrupt (" + c.why() + "); rebuilding it");
                case ClassCache.Lookup.Miss m -> {}
            }
        }
        if (classes == null) {
            classes = JavacInMemory.compile(program.className(), program.source());
            if (cache != null) {
                try {
                    cache.put(key, classes);
                } catch (IOException e) {
                    log.accept("could not write the cache entry " + cache.file(key) + ": " + e.getMessage());
                }
            }
        }
        CpuExecutor.Factory factory = factory(program.className(), classes);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.accept(String.format(
                java.util.Locale.ROOT,
                "%s: %d kernels %s in %d ms",
                plan.name(),
                plan.kernels().size(),
                hit ? "loaded from the class cache (javac skipped)" : "compiled with javac",
                ms));
        return new Compiled(program, factory, hit, ms);
    }

    /** The cache folder the settings choose: {@code javelin.cpu.cache}, else the user cache; null if off. */
    public static Path defaultCacheDir() {
        String dir = Flags.CPU_CACHE.get();
        if (dir.equals("off")) {
            return null;
        }
        return dir.isEmpty() ? ClassCache.defaultDir().orElse(null) : Path.of(dir);
    }

    private static void dump(GeneratedProgram program, Consumer<String> log) {
        String dir = Flags.CPU_DUMP.get();
        if (dir.isEmpty()) {
            return;
        }
        Path f = Path.of(dir, program.className().substring(program.className().lastIndexOf('.') + 1) + ".java");
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, program.source());
            log.accept("wrote " + f);
        } catch (IOException e) {
            log.accept("could not write " + f + ": " + e.getMessage());
        }
    }

    private static CpuExecutor.Factory factory(String className, Map<String, byte[]> classes) {
        ClassLoader loader = new ClassLoader(CpuBackend.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            Class<?> c = loader.loadClass(className);
            MethodHandle ctor = MethodHandles.publicLookup()
                    .findConstructor(c, MethodType.methodType(void.class, float[].class, CpuPool.class));
            return (memory, pool) -> {
                try {
                    return (CpuKernels) ctor.invoke(memory, pool);
                } catch (Throwable e) {
                    throw new IllegalStateException("cannot create " + className + ": " + e, e);
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class " + className + " does not load: " + e, e);
        }
    }
}
