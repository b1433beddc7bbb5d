package dev.javelin.compiler.aot;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.javelin.codegen.simd.GeneratedProgram;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.ProgramLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The typed facade of an ahead-of-time compiled model ({@code <Class>Model}): it runs the generated
 * kernels on the runtime alone (no IR, no compiler), with one method per input, the memory layout
 * compiled in, and Javadoc listing inputs, outputs and parameters with their shapes.
 */
final class FacadeWriter {
    private static final ClassName POOL = ClassName.get("dev.javelin.runtime.cpu", "CpuPool");
    private static final ClassName EXECUTOR = ClassName.get("dev.javelin.runtime.cpu", "CpuExecutor");
    private static final ClassName LAYOUT = ClassName.get("dev.javelin.runtime", "ProgramLayout");
    private static final ClassName LIST = ClassName.get(List.class);

    private FacadeWriter() {}

    /** The initial parameters: the resource next to the facade, and the seed their initializers drew with. */
    record Init(String resource, long seed) {}

    /** The initial parameters as the facade reads them: little-endian f32, parameter after parameter in layout order. */
    static byte[] initialValues(ProgramLayout layout, Map<String, NdArray> init) {
        long total = 0;
        for (ProgramLayout.Bind b : layout.bindings("parameter")) {
            total += layout.slot(b.buffer()).numel();
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(4 * total)).order(ByteOrder.LITTLE_ENDIAN);
        for (ProgramLayout.Bind b : layout.bindings("parameter")) {
            NdArray a = init.get(b.name());
            if (a == null || a.size() != layout.slot(b.buffer()).numel()) {
                throw new IllegalStateException("parameter " + b.name() + " has no initial value of "
                        + layout.slot(b.buffer()).numel() + " elements (found " + (a == null ? "none" : a.size())
                        + ")");
            }
            for (int i = 0; i < a.size(); i++) {
                out.putFloat((float) a.get(i));
            }
        }
        return out.array();
    }

    static String write(
            String pkg, String simple, String name, GeneratedProgram kernels, GeneratedProgram train, Init init) {
        ProgramLayout layout = kernels.layout();
        ClassName self = ClassName.get(pkg, simple + "Model");
        ClassName generated = ClassName.get(pkg, simple + "Kernels");
        StringBuilder doc =
                new StringBuilder("Model {@code " + name + "}, compiled ahead of time by Javelin from {@code " + simple
                        + "}. Do not edit.\n\n<p>Inputs:\n<ul>\n");
        describe(doc, layout, "input");
        doc.append("</ul>\nOutputs:\n<ul>\n");
        describe(doc, layout, "output");
        doc.append("</ul>\nParameters (they start at the values of the model's own initializers, seed " + init.seed()
                + "; {@link #load} or {@link #setParameter} replaces them):\n<ul>\n");
        describe(doc, layout, "parameter");
        doc.append("</ul>\n");
        if (train != null) {
            doc.append("<p>{@link #trainStep} runs the whole training step (forward, loss, gradients, optimizer"
                    + " update); the optimizer state starts at zero. Training inputs:\n<ul>\n");
            describe(doc, train.layout(), "input");
            doc.append("</ul>\n");
        }
        TypeSpec.Builder t = TypeSpec.classBuilder(self)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(AutoCloseable.class)
                .addJavadoc("$L", doc)
                .addField(POOL, "pool", Modifier.PRIVATE, Modifier.FINAL)
                .addField(EXECUTOR, "executor", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder()
                        .addModifiers(Modifier.PUBLIC)
                        .addJavadoc("On a pool of one thread per processor, closed with this model.\n")
                        .addStatement("this.pool = $T.forMachine()", POOL)
                        .addStatement("this.executor = new $T(layout(), $T::new, pool)", EXECUTOR, generated)
                        .addCode(
                                train == null
                                        ? CodeBlock.of("this.train = null;\n")
                                        : CodeBlock.of(
                                                "this.train = new $T(trainLayout(), $T::new, pool);\n",
                                                EXECUTOR,
                                                ClassName.get(pkg, simple + "TrainKernels")))
                        // A facade that cannot start must not leave its pool's threads running.
                        .beginControlFlow("try")
                        .addStatement("initialize()")
                        .nextControlFlow("catch ($T e)", RuntimeException.class)
                        .addStatement("pool.close()")
                        .addStatement("throw e")
                        .endControlFlow()
                        .build())
                .addMethod(initialize(self, layout, init))
                .addMethod(next())
                .addField(EXECUTOR, "train", Modifier.PRIVATE, Modifier.FINAL)
                .addField(boolean.class, "evalStale", Modifier.PRIVATE)
                .addField(long.class, "steps", Modifier.PRIVATE)
                .addMethod(layoutMethod("layout", layout))
                .addMethod(MethodSpec.methodBuilder("setParameter")
                        .addModifiers(Modifier.PUBLIC)
                        .addJavadoc("Sets parameter {@code path} (f32, row-major; the count must match).\n")
                        .addParameter(String.class, "path")
                        .addParameter(float[].class, "values")
                        .addStatement("executor.set($S, path, values)", "parameter")
                        .addStatement("if (train != null) train.set($S, path, values)", "parameter")
                        .build())
                .addMethod(load(layout))
                .addMethod(MethodSpec.methodBuilder("parameter")
                        .addModifiers(Modifier.PUBLIC)
                        .returns(float[].class)
                        .addParameter(String.class, "path")
                        .addStatement(
                                "return train != null ? train.get($S, path) : executor.get($S, path)",
                                "parameter",
                                "parameter")
                        .build())
                .addMethod(forward(layout))
                .addMethod(MethodSpec.methodBuilder("close")
                        .addAnnotation(Override.class)
                        .addModifiers(Modifier.PUBLIC)
                        .addStatement("pool.close()")
                        .build());
        if (train != null) {
            t.addMethod(layoutMethod("trainLayout", train.layout()));
            t.addMethod(trainStep(train.layout()));
        }
        return JavaFile.builder(pkg, t.build())
                .addFileComment("Generated by Javelin's @Model processor. Do not edit.")
                .build()
                .toString();
    }

    /** {@code initialize()}: every parameter from the resource the processor wrote next to the facade. */
    private static MethodSpec initialize(ClassName self, ProgramLayout layout, Init init) {
        long total = 0;
        for (ProgramLayout.Bind b : layout.bindings("parameter")) {
            total += layout.slot(b.buffer()).numel();
        }
        String res = init.resource();
        MethodSpec.Builder m = MethodSpec.methodBuilder("initialize")
                .addModifiers(Modifier.PRIVATE)
                .addJavadoc(
                        "The model's initial parameters (its initializers, seed $L), from {@code $L}.\n",
                        init.seed(),
                        res)
                .addStatement("$T values", FloatBuffer.class)
                .beginControlFlow("try ($T in = $T.class.getResourceAsStream($S))", InputStream.class, self, res)
                .beginControlFlow("if (in == null)")
                .addStatement(
                        "throw new $T($S)",
                        IllegalStateException.class,
                        "the resource " + res + " (the initial parameters of " + self.simpleName()
                                + ") is missing: package it next to " + self.simpleName() + ".class")
                .endControlFlow()
                .addStatement(
                        "values = $T.wrap(in.readAllBytes()).order($T.LITTLE_ENDIAN).asFloatBuffer()",
                        ByteBuffer.class,
                        ByteOrder.class)
                .nextControlFlow("catch ($T e)", IOException.class)
                .addStatement("throw new $T($S, e)", UncheckedIOException.class, "could not read " + res)
                .endControlFlow()
                .beginControlFlow("if (values.remaining() != $L)", total)
                .addStatement(
                        "throw new $T($S + values.remaining() + $S)",
                        IllegalStateException.class,
                        res + " holds ",
                        " floats, expected " + total + ": it belongs to another build of " + self.simpleName())
                .endControlFlow();
        for (ProgramLayout.Bind b : layout.bindings("parameter")) {
            m.addStatement(
                    "setParameter($S, next(values, $L))",
                    b.name(),
                    layout.slot(b.buffer()).numel());
        }
        return m.build();
    }

    private static MethodSpec next() {
        return MethodSpec.methodBuilder("next")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(float[].class)
                .addParameter(FloatBuffer.class, "values")
                .addParameter(int.class, "count")
                .addStatement("float[] v = new float[count]")
                .addStatement("values.get(v)")
                .addStatement("return v")
                .build();
    }

    private static void describe(StringBuilder doc, ProgramLayout layout, String role) {
        for (ProgramLayout.Bind b : layout.bindings(role)) {
            ProgramLayout.Slot s = layout.slot(b.buffer());
            doc.append("<li>{@code ")
                    .append(b.name())
                    .append("}: ")
                    .append(s.dtype())
                    .append(Arrays.toString(s.shape()))
                    .append("\n");
        }
    }

    private static MethodSpec forward(ProgramLayout layout) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("forward")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("One inference: the inputs in order, row-major; returns the output.\n");
        m.beginControlFlow("if (evalStale)");
        for (ProgramLayout.Bind b : layout.bindings("parameter")) {
            m.addStatement("executor.set($S, $S, train.get($S, $S))", "parameter", b.name(), "parameter", b.name());
        }
        m.addStatement("evalStale = false");
        m.endControlFlow();
        for (ProgramLayout.Bind b : layout.bindings("input")) {
            String dtype = layout.slot(b.buffer()).dtype();
            Class<?> type = dtype.equals("f32") ? float[].class : isInteger(dtype) ? long[].class : double[].class;
            String param = javaName(b.name());
            m.addParameter(type, param);
            m.addStatement("executor.set($S, $S, $L)", "input", b.name(), param);
        }
        m.addStatement("executor.run()");
        ProgramLayout.Bind out = layout.bindings("output").getFirst();
        String dtype = layout.slot(out.buffer()).dtype();
        if (dtype.equals("f32")) {
            m.returns(float[].class).addStatement("return executor.get($S, $S)", "output", out.name());
        } else if (isInteger(dtype)) {
            m.returns(long[].class).addStatement("return executor.getLongs($S, $S)", "output", out.name());
        } else {
            m.returns(double[].class).addStatement("return executor.getDoubles($S, $S)", "output", out.name());
        }
        return m.build();
    }

    /** {@code trainStep(inputs..., labels, lr)}: one training step, returning its loss. */
    private static MethodSpec trainStep(ProgramLayout train) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("trainStep")
                .addModifiers(Modifier.PUBLIC)
                .returns(float.class)
                .addJavadoc("One training step on a batch (the inputs, then the labels) at learning rate {@code lr};"
                        + " returns the loss.\n");
        for (ProgramLayout.Bind b : train.bindings("input")) {
            if (b.name().equals("lr") || b.name().equals("step")) {
                continue;
            }
            String dtype = train.slot(b.buffer()).dtype();
            Class<?> type = dtype.equals("f32") ? float[].class : isInteger(dtype) ? long[].class : double[].class;
            m.addParameter(type, javaName(b.name()));
            m.addStatement("train.set($S, $S, $L)", "input", b.name(), javaName(b.name()));
        }
        m.addParameter(float.class, "lr");
        m.addStatement("train.set($S, $S, new float[] {lr})", "input", "lr");
        if (train.bindings("input").stream().anyMatch(b -> b.name().equals("step"))) {
            m.addStatement("train.set($S, $S, new long[] {steps})", "input", "step");
        }
        m.addStatement("train.run()");
        m.addStatement("steps++");
        m.addStatement("evalStale = true");
        m.addStatement("return train.get($S, $S)[0]", "output", "loss");
        return m.build();
    }

    /** {@code load(Path dir)}: every parameter from {@code <path>.npy} in a checkpoint folder. */
    private static MethodSpec load(ProgramLayout layout) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("load")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Loads every parameter from {@code <path>.npy} (f32) in a checkpoint folder, as Javelin's"
                        + " trainer saves it.\n")
                .addParameter(java.nio.file.Path.class, "dir")
                .addException(java.io.IOException.class);
        for (ProgramLayout.Bind b : layout.bindings("parameter")) {
            ProgramLayout.Slot s = layout.slot(b.buffer());
            m.addStatement(
                    "setParameter($S, $T.read(dir.resolve($S), new long[] {$L}))",
                    b.name(),
                    ClassName.get("dev.javelin.runtime", "NpyFloats"),
                    b.name() + ".npy",
                    join(s.shape()));
        }
        return m.build();
    }

    private static boolean isInteger(String dtype) {
        return dtype.equals("i32") || dtype.equals("i64") || dtype.equals("bool");
    }

    private static String javaName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isJavaIdentifierStart(s.charAt(0)) ? s : "_" + s;
    }

    /** {@code layout()}: the program's memory layout as literals, so the runtime needs no IR. */
    private static MethodSpec layoutMethod(String method, ProgramLayout l) {
        CodeBlock.Builder slots = CodeBlock.builder();
        for (int i = 0; i < l.slots().size(); i++) {
            ProgramLayout.Slot s = l.slots().get(i);
            slots.add(
                    "$L\n  new $T.Slot($S, $S, new long[] {$L}, $LL, $S)",
                    i == 0 ? "" : ",",
                    LAYOUT,
                    s.name(),
                    s.dtype(),
                    join(s.shape()),
                    s.byteOffset(),
                    s.storage());
        }
        CodeBlock.Builder binds = CodeBlock.builder();
        for (int i = 0; i < l.bindings().size(); i++) {
            ProgramLayout.Bind b = l.bindings().get(i);
            binds.add("$L\n  new $T.Bind($S, $S, $S)", i == 0 ? "" : ",", LAYOUT, b.role(), b.name(), b.buffer());
        }
        CodeBlock.Builder steps = CodeBlock.builder();
        for (int i = 0; i < l.kernels().size(); i++) {
            ProgramLayout.Step s = l.kernels().get(i);
            steps.add(
                    "$L\n  new $T.Step($S, $L, $LL, $LL)",
                    i == 0 ? "" : ",",
                    LAYOUT,
                    s.name(),
                    s.loadTime(),
                    s.flops(),
                    s.bytes());
        }
        return MethodSpec.methodBuilder(method)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(LAYOUT)
                .addJavadoc("The program's memory layout: buffers, bindings and kernels.\n")
                .addStatement(
                        "return new $T($S, $LL, $T.of($L), $T.of($L), $T.of($L), new $T.Arena($LL, $LL, $LL, $LL))",
                        LAYOUT,
                        l.name(),
                        l.memoryBytes(),
                        LIST,
                        slots.build(),
                        LIST,
                        binds.build(),
                        LIST,
                        steps.build(),
                        LAYOUT,
                        l.arena().offset(),
                        l.arena().bytes(),
                        l.arena().planned(),
                        l.arena().lowerBound())
                .build();
    }

    private static String join(long[] a) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : ", ").append(a[i]).append('L');
        }
        return s.toString();
    }
}
