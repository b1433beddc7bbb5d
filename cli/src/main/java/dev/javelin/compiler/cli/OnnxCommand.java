package dev.javelin.compiler.cli;

import dev.javelin.onnx.OnnxInfo;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code javelin onnx ...}: look at ONNX models (docs/onnx.md). */
@Command(
        name = "onnx",
        mixinStandardHelpOptions = true,
        description = "Inspect ONNX models.",
        subcommands = {OnnxCommand.Info.class})
final class OnnxCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "info",
            mixinStandardHelpOptions = true,
            description = "Print MODEL's inputs, outputs, opsets, op counts, which ops Javelin supports, and whether"
                    + " it imports.")
    static final class Info implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "MODEL", description = "An ONNX model file (.onnx).")
        Path model;

        @Option(
                names = "--dim",
                paramLabel = "NAME=SIZE",
                description = "Fix dynamic dim NAME to SIZE for the import check (as javelin run --dim).")
        java.util.List<String> dims = java.util.List.of();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(OnnxInfo.describe(model, RunCommand.dims(dims)));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
