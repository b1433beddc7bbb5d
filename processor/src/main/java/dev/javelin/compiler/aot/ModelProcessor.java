package dev.javelin.compiler.aot;

import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.Trees;
import dev.javelin.annotations.Input;
import dev.javelin.annotations.Model;
import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.simd.CpuCodegen;
import dev.javelin.codegen.simd.GeneratedProgram;
import dev.javelin.compiler.aot.Sources.SourceClass;
import dev.javelin.compiler.cuda.Manifest;
import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Mode;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.TrainStep;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.FusionVeto;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaProgram;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.StandardLocation;

/**
 * The {@code @Model} annotation processor: for each annotated class, reads its source (the
 * compiler's tree API gives the compilation unit; JavaParser parses it), evaluates the model method
 * with the real DSL ({@link DslEvaluator}), and on success runs the whole pipeline and writes the
 * Java Vector API kernels ({@code <Class>Kernels}, compiled by the same javac run), a typed facade
 * ({@code <Class>Model}), the plan text and the CUDA source with its manifest as resources. An
 * unsupported construct or a shape error is a javac error at the DSL call that caused it; nothing
 * escapes into javac as a crash.
 */
@SupportedAnnotationTypes("dev.javelin.annotations.Model")
@SupportedOptions({ModelProcessor.TARGETS, ModelProcessor.VERIFY, ModelProcessor.DUMP})
public final class ModelProcessor extends AbstractProcessor {
    /** {@code -Ajavelin.targets=cuda,ptx}: besides the CPU kernels, the CUDA source (default) and PTX. */
    static final String TARGETS = "javelin.targets";
    /** {@code -Ajavelin.verify=true}: the verifier after every pass (slower builds, for debugging). */
    static final String VERIFY = "javelin.verify";
    /** {@code -Ajavelin.dump=DIR}: a copy of every generated file in DIR, for reading. */
    static final String DUMP = "javelin.dump";

    private Trees trees;
    private Sources sources;
    private final ModelNames names = new ModelNames();

    /** An annotated class as the processor reads it: its source, its model method, its annotation. */
    private record Source(SourceClass cls, MethodDeclaration method, Model model) {
        TypeElement type() {
            return cls.element();
        }
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        trees = Trees.instance(env);
        sources = new Sources(trees);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element e : round.getElementsAnnotatedWith(Model.class)) {
            if (e instanceof TypeElement type) {
                try {
                    compile(type);
                } catch (RuntimeException | IOException | LinkageError ex) {
                    processingEnv
                            .getMessager()
                            .printMessage(
                                    Diagnostic.Kind.ERROR,
                                    "Javelin could not compile model " + type.getSimpleName() + ": " + ex,
                                    type);
                } catch (StackOverflowError ex) {
                    // a javac that dies here takes the whole build down ("Fatal error compiling"): an error instead
                    processingEnv
                            .getMessager()
                            .printMessage(
                                    Diagnostic.Kind.ERROR,
                                    "Javelin could not compile model " + type.getSimpleName() + ": its graph is"
                                            + " too deep for this thread's stack (a bug in Javelin, which should"
                                            + " not recurse that deep: please report it with the model)",
                                    type);
                }
            }
        }
        return true;
    }

    private void compile(TypeElement type) throws IOException {
        long t0 = System.nanoTime();
        Model model = type.getAnnotation(Model.class);
        Optional<SourceClass> cls;
        try {
            cls = sources.of(type);
        } catch (IllegalArgumentException e) {
            error(type, e.getMessage());
            return;
        }
        if (cls.isEmpty()) {
            error(type, "Javelin found no source of " + type.getSimpleName() + " in this javac run");
            return;
        }
        Optional<MethodDeclaration> method = cls.get().decl().getMethodsByName(model.method()).stream()
                .filter(MethodDeclaration::isStatic)
                .findFirst();
        if (method.isEmpty()) {
            error(
                    type,
                    "@Model class " + type.getSimpleName() + " has no static method " + model.method()
                            + "(Net nn, Tensor ...); name another one with @Model(method = ...)");
            return;
        }
        String name = model.name().isEmpty() ? type.getSimpleName().toString() : model.name();
        if (!names.claim(name, type, processingEnv.getMessager())) {
            return;
        }
        Net eval = new Net(name, Mode.EVAL);
        Source src = new Source(cls.get(), method.get(), model);
        Optional<Tensor> out = evaluate(src, eval);
        if (out.isEmpty()) {
            return;
        }
        eval.output("output", out.get());
        Optional<Graph> trainGraph = Optional.empty();
        if (model.labels().length > 0) {
            trainGraph = trainGraph(src, name);
            if (trainGraph.isEmpty()) {
                return;
            }
        }
        Set<String> targets = targets(type);
        Plan plan;
        Plan cudaPlan;
        Plan trainPlan;
        try {
            PassOptions passes = Boolean.parseBoolean(processingEnv.getOptions().getOrDefault(VERIFY, "false"))
                    ? PassOptions.verifying()
                    : PassOptions.defaults();
            Graph evalGraph = eval.build();
            plan = Pipeline.compile(evalGraph, Map.of("batch", model.batch()), passes)
                    .plan();
            // CUDA's fusion veto keeps attention as three kernels (no CUDA attention template yet).
            cudaPlan = !targets.contains("cuda") && !targets.contains("ptx")
                    ? null
                    : Pipeline.compile(
                                    evalGraph,
                                    Map.of("batch", model.batch()),
                                    passes.withFusionVeto(FusionVeto.forTarget("cuda")))
                            .plan();
            trainPlan = trainGraph.isEmpty()
                    ? null
                    : Pipeline.compile(trainGraph.get(), Map.of("batch", model.batch()), passes)
                            .plan();
        } catch (RuntimeException ex) {
            error(type, "Javelin could not compile model " + name + ": " + ex.getMessage());
            return;
        }
        write(type, name, plan, cudaPlan, targets, trainPlan, eval.initialValues(model.seed()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        processingEnv
                .getMessager()
                .printMessage(
                        Diagnostic.Kind.NOTE,
                        "Javelin compiled model " + name + " (" + plan.kernels().size() + " kernels) in " + ms + " ms",
                        type);
    }

    /** The training step's graph (forward, loss, gradients, update), or empty after reporting why. */
    private Optional<Graph> trainGraph(Source src, String name) {
        TypeElement type = src.type();
        Model model = src.model();
        Net train = new Net(name + "_train_step", Mode.TRAIN);
        Optional<Tensor> logits = evaluate(src, train);
        if (logits.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (model.labels().length != 1) {
                throw new IllegalArgumentException(
                        "@Model(labels = ...) takes one label input, found " + model.labels().length);
            }
            Input l = model.labels()[0];
            Tensor labels = train.input(l.name(), DType.fromText(l.dtype()), dims(l.shape()));
            Tensor loss = switch (model.loss()) {
                case "cross_entropy" -> Loss.crossEntropy(logits.get(), labels);
                default ->
                    throw new IllegalArgumentException(
                            "unknown loss '" + model.loss() + "' (supported: cross_entropy)");
            };
            return Optional.of(TrainStep.build(train, loss, Optimizer.named(model.optimizer())));
        } catch (RuntimeException ex) {
            error(type, "the training step of model " + name + ": " + ex.getMessage());
            return Optional.empty();
        }
    }

    /** The model method's result on {@code net}, or empty after reporting why at the offending node. */
    private Optional<Tensor> evaluate(Source src, Net net) {
        TypeElement type = src.type();
        CompilationUnitTree unit = src.cls().tree();
        MethodDeclaration method = src.method();
        Model model = src.model();
        List<Parameter> params = method.getParameters();
        if (params.isEmpty() || !params.getFirst().getType().asString().endsWith("Net")) {
            Positions.error(trees, unit, type, method, "the model method's first parameter must be the Net (Net nn)");
            return Optional.empty();
        }
        List<Object> args = new ArrayList<>(List.of(net));
        for (Parameter p : params.subList(1, params.size())) {
            Optional<Input> in = Arrays.stream(model.inputs())
                    .filter(i -> i.name().equals(p.getNameAsString()))
                    .findFirst();
            if (in.isEmpty()) {
                Positions.error(
                        trees,
                        unit,
                        type,
                        p,
                        "no input shape for parameter " + p.getNameAsString() + ": add @Input(name = \""
                                + p.getNameAsString() + "\", shape = {...}) to @Model(inputs = ...)");
                return Optional.empty();
            }
            try {
                args.add(net.input(
                        p.getNameAsString(),
                        DType.fromText(in.get().dtype()),
                        dims(in.get().shape())));
            } catch (RuntimeException ex) {
                Positions.error(trees, unit, type, p, "bad @Input for " + p.getNameAsString() + ": " + ex.getMessage());
                return Optional.empty();
            }
        }
        try {
            Statics statics =
                    new Statics(processingEnv.getElementUtils(), sources, ModelProcessor.class.getClassLoader());
            Object out = new DslEvaluator(statics, src.cls()).call(method, args);
            if (!(out instanceof Tensor t)) {
                Positions.error(
                        trees,
                        unit,
                        type,
                        method,
                        "the model method must return a Tensor, it returned " + Arithmetic.describe(out));
                return Optional.empty();
            }
            return Optional.of(t);
        } catch (EvalException ex) {
            CompilationUnitTree at = sources.treeOf(ex.node());
            Positions.error(trees, at == null ? unit : at, type, ex.node(), ex.getMessage());
            return Optional.empty();
        }
    }

    private static Object[] dims(String[] shape) {
        Object[] out = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) {
            String s = shape[i].strip();
            out[i] = s.chars().allMatch(Character::isDigit) && !s.isEmpty() ? (Object) Long.parseLong(s) : s;
        }
        return out;
    }

    private void write(
            TypeElement type,
            String name,
            Plan plan,
            Plan cudaPlan,
            Set<String> targets,
            Plan trainPlan,
            Map<String, NdArray> init)
            throws IOException {
        PackageElement pkg = processingEnv.getElementUtils().getPackageOf(type);
        String p = pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString();
        String simple = type.getSimpleName().toString();
        GeneratedProgram kernels = CpuCodegen.generate(plan, p, simple + "Kernels");
        writeSource(p, simple + "Kernels", kernels.source(), type);
        GeneratedProgram trainKernels = null;
        if (trainPlan != null) {
            trainKernels = CpuCodegen.generate(trainPlan, p, simple + "TrainKernels");
            writeSource(p, simple + "TrainKernels", trainKernels.source(), type);
            writeResource(p, name + "_train_step.plan", PlanPrinter.print(trainPlan), type);
        }
        Model model = type.getAnnotation(Model.class);
        FacadeWriter.Init initial = new FacadeWriter.Init(name + ".init.f32", model.seed());
        writeResource(p, initial.resource(), FacadeWriter.initialValues(kernels.layout(), init), type);
        writeSource(p, simple + "Model", FacadeWriter.write(p, simple, name, kernels, trainKernels, initial), type);
        writeResource(p, name + ".plan", PlanPrinter.print(plan), type);
        if (cudaPlan != null) {
            CudaProgram cuda = CudaCodegen.generate(cudaPlan);
            writeResource(p, name + ".cu", cuda.source(), type);
            writeResource(p, name + ".launches.txt", Manifest.text(cuda), type);
            if (targets.contains("ptx")) {
                ptx(type, p, name, cuda.source());
            }
        }
    }

    private Set<String> targets(Element type) {
        Set<String> out = new java.util.LinkedHashSet<>();
        Map<String, String> options = processingEnv.getOptions();
        // -Ajavelin.targets= (empty) arrives as a key without a value: the CPU kernels only.
        String list =
                options.containsKey(TARGETS) ? java.util.Objects.requireNonNullElse(options.get(TARGETS), "") : "cuda";
        for (String t : list.split(",")) {
            String s = t.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (!s.equals("cuda") && !s.equals("ptx")) {
                processingEnv
                        .getMessager()
                        .printMessage(
                                Diagnostic.Kind.WARNING,
                                "-A" + TARGETS + ": unknown target '" + s + "' ignored (known: cuda, ptx)",
                                type);
                continue;
            }
            out.add(s);
        }
        return out;
    }

    /** PTX for sm_80 and sm_90, where a CUDA compiler is available at build time (a note says why not). */
    private void ptx(TypeElement type, String pkg, String name, String source) throws IOException {
        List<String> log = new ArrayList<>();
        try {
            var compiler = dev.javelin.codegen.cuda.toolchain.CudaCompilers.select("auto", log::add);
            for (String arch : List.of("compute_80", "compute_90")) {
                var module = compiler.compile(source, name + ".cu", arch);
                writeResource(pkg, name + "." + arch + ".ptx", module.ptx(), type);
            }
        } catch (dev.javelin.codegen.cuda.toolchain.CudaCompilerUnavailableException e) {
            processingEnv
                    .getMessager()
                    .printMessage(
                            Diagnostic.Kind.NOTE,
                            "Javelin wrote no PTX for model " + name + ": no CUDA compiler here (" + e.getMessage()
                                    + ")",
                            type);
        }
    }

    private void writeSource(String pkg, String simple, String text, Element origin) throws IOException {
        String fqn = pkg.isEmpty() ? simple : pkg + "." + simple;
        try (Writer w = processingEnv.getFiler().createSourceFile(fqn, origin).openWriter()) {
            w.write(text);
        }
        dump(pkg, simple + ".java", text.getBytes(StandardCharsets.UTF_8));
    }

    private void dump(String pkg, String file, byte[] bytes) throws IOException {
        String dir = processingEnv.getOptions().get(DUMP);
        if (dir == null || dir.isBlank()) {
            return;
        }
        java.nio.file.Path d = java.nio.file.Path.of(dir).resolve(pkg.replace('.', '/'));
        java.nio.file.Files.createDirectories(d);
        java.nio.file.Files.write(d.resolve(file), bytes);
    }

    private void writeResource(String pkg, String file, String text, Element origin) throws IOException {
        writeResource(pkg, file, text.getBytes(StandardCharsets.UTF_8), origin);
    }

    private void writeResource(String pkg, String file, byte[] bytes, Element origin) throws IOException {
        try (OutputStream out = processingEnv
                .getFiler()
                .createResource(StandardLocation.CLASS_OUTPUT, pkg, file, origin)
                .openOutputStream()) {
            out.write(bytes);
        }
        dump(pkg, file, bytes);
    }

    private void error(Element e, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, e);
    }
}
