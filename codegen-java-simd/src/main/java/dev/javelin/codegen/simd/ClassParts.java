package dev.javelin.codegen.simd;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.lang.model.element.Modifier;

/** The fixed parts of every generated program class: fields, constructor, the kernel table. */
final class ClassParts {
    private static final List<String> IMPORTS = List.of(
            "java.lang.foreign.MemorySegment",
            "java.lang.foreign.ValueLayout",
            "jdk.incubator.vector.FloatVector",
            "jdk.incubator.vector.VectorMask",
            "jdk.incubator.vector.VectorOperators",
            "jdk.incubator.vector.VectorSpecies",
            CpuCodegen.RUNTIME + ".Attention",
            CpuCodegen.RUNTIME + ".Convolutions",
            CpuCodegen.RUNTIME + ".CpuErrors",
            CpuCodegen.RUNTIME + ".CpuKernels",
            CpuCodegen.RUNTIME + ".CpuMath",
            CpuCodegen.RUNTIME + ".CpuPool",
            CpuCodegen.RUNTIME + ".Gemm",
            CpuCodegen.RUNTIME + ".Philox",
            CpuCodegen.RUNTIME + ".Windows");

    private static final String VECTOR = "jdk.incubator.vector";

    private ClassParts() {}

    static List<FieldSpec> fixedFields() {
        List<FieldSpec> f = new ArrayList<>();
        f.add(raw("private static final", "VectorSpecies<Float>", "F", "FloatVector.SPECIES_PREFERRED"));
        f.add(raw("private static final", "FloatVector", "ZERO", "FloatVector.zero(F)"));
        f.add(raw("private static final", "FloatVector", "ONE", "FloatVector.broadcast(F, 1f)"));
        // Loops of 8 to 15 iterations run on at most eight lanes (LoopPrinter.species).
        f.add(raw("private static final", "VectorSpecies<Float>", "H", "F.length() > 8 ? FloatVector.SPECIES_256 : F"));
        f.add(raw("private static final", "FloatVector", "ZERO_H", "FloatVector.zero(H)"));
        f.add(raw("private static final", "FloatVector", "ONE_H", "FloatVector.broadcast(H, 1f)"));
        f.add(raw("private final", "float[]", "m", null));
        f.add(raw("private final", "MemorySegment", "s", null));
        f.add(raw("private final", "CpuPool", "pool", null));
        f.add(raw("private final", "Gemm", "gemm", null));
        f.add(raw("private final", "Convolutions", "conv", null));
        f.add(raw("private final", "Windows", "win", null));
        f.add(raw("private final", "Attention", "attn", null));
        return f;
    }

    static FieldSpec field(ProgramContext.Field f) {
        return raw(f.modifiers(), f.type(), f.name(), f.initializer());
    }

    private static FieldSpec raw(String modifiers, String type, String name, String init) {
        List<Modifier> mods = new ArrayList<>();
        for (String m : modifiers.split(" ")) {
            mods.add(Modifier.valueOf(m.toUpperCase(java.util.Locale.ROOT)));
        }
        FieldSpec.Builder b = FieldSpec.builder(typeName(type), name, mods.toArray(new Modifier[0]));
        if (init != null) {
            b.initializer("$L", init);
        }
        return b.build();
    }

    /** The few types the generated fields use, from their source text. */
    private static TypeName typeName(String type) {
        if (type.endsWith("[]")) {
            return ArrayTypeName.of(typeName(type.substring(0, type.length() - 2)));
        }
        return switch (type) {
            case "float" -> TypeName.FLOAT;
            case "double" -> TypeName.DOUBLE;
            case "int" -> TypeName.INT;
            case "long" -> TypeName.LONG;
            case "boolean" -> TypeName.BOOLEAN;
            case "VectorSpecies<Float>" ->
                ParameterizedTypeName.get(ClassName.get(VECTOR, "VectorSpecies"), ClassName.get(Float.class));
            case "FloatVector" -> ClassName.get(VECTOR, "FloatVector");
            case "MemorySegment" -> ClassName.get("java.lang.foreign", "MemorySegment");
            case "CpuPool.Task" -> ClassName.get(CpuCodegen.RUNTIME, "CpuPool", "Task");
            default -> ClassName.get(CpuCodegen.RUNTIME, type);
        };
    }

    static MethodSpec constructor() {
        return MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Binds the kernels to the program memory {@code m} and the thread pool.\n")
                .addParameter(float[].class, "m")
                .addParameter(ClassName.get(CpuCodegen.RUNTIME, "CpuPool"), "pool")
                .addStatement("this.m = m")
                .addStatement("this.s = MemorySegment.ofArray(m)")
                .addStatement("this.pool = pool")
                .addStatement("this.gemm = new Gemm(pool)")
                .addStatement("this.attn = new Attention(pool)")
                .addStatement("this.conv = new Convolutions(pool)")
                .addStatement("this.win = new Windows(pool)")
                .build();
    }

    static MethodSpec kernelCount(int n) {
        return MethodSpec.methodBuilder("kernelCount")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(int.class)
                .addStatement("return $L", n)
                .build();
    }

    /**
     * Kernels one dispatch method switches over: one {@code switch} over all of a plan's kernels
     * passes the JVM's 64 KB method limit at about 6,000 (an unfused long chain), so larger plans
     * dispatch through one method per block of this many.
     */
    static final int DISPATCH_BLOCK = 1024;

    /** {@code kernelName(k)}: kernel {@code k}'s name, and its block methods where there are many. */
    static List<MethodSpec> kernelName(List<String> names) {
        return dispatch(
                "kernelName",
                TypeName.get(String.class),
                names.size(),
                i -> CodeBlock.of("case $L -> {\n$>return $S;\n$<}\n", i, names.get(i)));
    }

    /** {@code run(k)}: runs kernel {@code k}, and its block methods where there are many. */
    static List<MethodSpec> run(List<String> names) {
        return dispatch("run", TypeName.VOID, names.size(), i -> CodeBlock.of("case $L -> $L();\n", i, names.get(i)));
    }

    /** The public method {@code name(int k)}, switching over {@code n} cases directly or through blocks. */
    private static List<MethodSpec> dispatch(String name, TypeName returns, int n, IntFunction<CodeBlock> caseOf) {
        if (n <= DISPATCH_BLOCK) {
            return List.of(switchMethod(name, returns, "k", 0, n, caseOf)
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .build());
        }
        int blocks = (n + DISPATCH_BLOCK - 1) / DISPATCH_BLOCK;
        String call =
                returns.equals(TypeName.VOID) ? "case $L -> $L_$L(k);\n" : "case $L -> {\n$>return $L_$L(k);\n$<}\n";
        List<MethodSpec> out = new ArrayList<>();
        out.add(switchMethod(name, returns, "k / " + DISPATCH_BLOCK, 0, blocks, b -> CodeBlock.of(call, b, name, b))
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .build());
        for (int b = 0; b < blocks; b++) {
            int lo = b * DISPATCH_BLOCK;
            out.add(switchMethod(name + "_" + b, returns, "k", lo, Math.min(n, lo + DISPATCH_BLOCK), caseOf)
                    .addModifiers(Modifier.PRIVATE)
                    .build());
        }
        return out;
    }

    /** A method of {@code int k} that switches on {@code selector} over cases [lo, hi), else throws. */
    private static MethodSpec.Builder switchMethod(
            String name, TypeName returns, String selector, int lo, int hi, IntFunction<CodeBlock> caseOf) {
        CodeBlock.Builder b =
                CodeBlock.builder().add("switch ($L) {\n", selector).indent();
        for (int i = lo; i < hi; i++) {
            b.add(caseOf.apply(i));
        }
        b.add("default -> throw new IndexOutOfBoundsException(k);\n").unindent().add("}\n");
        return MethodSpec.methodBuilder(name)
                .returns(returns)
                .addParameter(int.class, "k")
                .addCode(b.build());
    }

    /** The source with the imports its raw text needs, after the package line. */
    static String withImports(String source) {
        StringBuilder imports = new StringBuilder();
        for (String i : IMPORTS) {
            imports.append("import ").append(i).append(";\n");
        }
        int at = source.indexOf(";\n", source.indexOf("package ")) + 2;
        return source.substring(0, at) + "\n" + imports + source.substring(at);
    }
}
