package dev.javelin.compiler.exec;

import dev.javelin.dsl.train.Backend;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.Executor;
import dev.javelin.runtime.ProgramLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compiled graph for the trainer, on any {@link Executor}: its parameters live in the executor's
 * memory (host or device) between runs; {@code onClose} releases what the executor holds.
 */
public final class ExecutorProgram implements Backend.Program {
    private final Executor ex;
    private final AutoCloseable onClose;

    public ExecutorProgram(Executor ex, AutoCloseable onClose) {
        this.ex = ex;
        this.onClose = onClose;
    }

    @Override
    public void setParameter(String name, NdArray value) {
        Feeds.set(ex, "parameter", name, value);
    }

    @Override
    public NdArray parameter(String name) {
        return Feeds.get(ex, "parameter", name);
    }

    @Override
    public Map<String, NdArray> run(Map<String, NdArray> inputs) {
        for (ProgramLayout.Bind b : ex.layout().bindings("input")) {
            NdArray v = inputs.get(b.name());
            if (v == null) {
                throw new IllegalArgumentException("program " + ex.layout().name() + " needs input '" + b.name()
                        + "' (given " + inputs.keySet() + ")");
            }
            Feeds.set(ex, "input", b.name(), v);
        }
        ex.run();
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (ProgramLayout.Bind b : ex.layout().bindings("output")) {
            out.put(b.name(), Feeds.get(ex, "output", b.name()));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            onClose.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing program " + ex.layout().name() + ": " + e.getMessage(), e);
        }
    }
}
