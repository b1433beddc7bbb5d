package dev.javelin.compiler.cli;

import dev.javelin.dsl.train.TrainingModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code javelin models}: the named models, one line each, with the settings train uses by default. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "List the models that train, compile and bench accept with --model.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var names = Models.names();
        if (names.isEmpty()) {
            throw new CliException("no models on the class path: build test-models");
        }
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        for (String name : names) {
            TrainingModel m = Models.create(name);
            TrainingModel.Defaults d = m.defaults();
            out.printf(
                    Locale.ROOT,
                    "%-" + width + "s  %s (defaults: --optimizer %s --lr %s --batch %d)%n",
                    name,
                    m.description(),
                    d.optimizer(),
                    plain(d.lr()),
                    d.batch());
        }
        out.flush();
        return 0;
    }

    /** A number as a person writes it on a command line: 0.000001, not 1.0E-6. */
    static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
