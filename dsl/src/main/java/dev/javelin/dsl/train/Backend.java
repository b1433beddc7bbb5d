package dev.javelin.dsl.train;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the trainer runs its graphs: something that prepares a graph, for concrete sizes, as a
 * {@link Program} that keeps the graph's parameters between runs (on a compiled backend they stay
 * in the program's memory, so a training step copies only its batch in and its loss out). The
 * reference interpreter is {@link #INTERPRETER}; compiled backends live in the compiler module.
 */
public interface Backend {
    /** The float64 reference interpreter: exact and slow. */
    Backend INTERPRETER = new Backend() {
        @Override
        public String name() {
            return "interpreter";
        }

        @Override
        public Program prepare(Graph g, Map<String, Long> sizes) {
            return new InterpretedProgram(g);
        }
    };

    /**
     * The backend's name, as the command line's {@code --backend} takes it.
     *
     * @return the name
     */
    String name();

    /**
     * {@code g} ready to run at these sizes of its symbolic dimensions (e.g. {@code batch=128}).
     *
     * @param g the graph, usually a training step or an evaluation graph
     * @param sizes the size of each symbolic dimension, by symbol
     * @return the prepared program; close it to free what it holds
     */
    Program prepare(Graph g, Map<String, Long> sizes);

    /** A prepared graph holding its parameters (and optimizer state) between runs. */
    interface Program extends AutoCloseable {
        /**
         * Sets a parameter (or optimizer state) before the next run.
         *
         * @param name the parameter's path
         * @param value its value, of the parameter's type
         */
        void setParameter(String name, NdArray value);

        /**
         * The current value of a parameter (after every assign of the runs so far).
         *
         * @param name the parameter's path
         * @return its value
         */
        NdArray parameter(String name);

        /**
         * Runs once on {@code inputs} (by input name): the outputs; assigns update the parameters.
         *
         * @param inputs the inputs by name
         * @return the outputs by name
         */
        Map<String, NdArray> run(Map<String, NdArray> inputs);

        @Override
        default void close() {}
    }

    /** The interpreter's program: the parameters in a map, every run a fresh interpretation. */
    final class InterpretedProgram implements Program {
        private final Graph graph;
        private final Map<String, NdArray> parameters = new LinkedHashMap<>();

        InterpretedProgram(Graph graph) {
            this.graph = graph;
        }

        @Override
        public void setParameter(String name, NdArray value) {
            parameters.put(name, value);
        }

        @Override
        public NdArray parameter(String name) {
            NdArray v = parameters.get(name);
            if (v == null) {
                throw new IllegalArgumentException("graph " + graph.name() + " has no parameter '" + name
                        + "' with a value (parameters: " + parameterNames() + ")");
            }
            return v;
        }

        private java.util.List<String> parameterNames() {
            return graph.nodes().stream()
                    .filter(n -> n.op() instanceof Parameter)
                    .map(Node::name)
                    .toList();
        }

        @Override
        public Map<String, NdArray> run(Map<String, NdArray> inputs) {
            Map<String, NdArray> feeds = new HashMap<>(parameters);
            feeds.putAll(inputs);
            Interpreter.Result r = Interpreter.run(graph, feeds);
            parameters.putAll(r.updatedParameters());
            return r.outputs();
        }
    }
}
