package dev.javelin.dsl.train;

import dev.javelin.dsl.Mode;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains a model: one compiled training-step graph (forward, backward, update) and one evaluation
 * graph, run on a backend, with the parameters and optimizer state kept between steps. {@link
 * #step} returns the loss computed before that step's update.
 */
public final class Trainer implements AutoCloseable {
    private final TrainingModel model;
    private final Graph trainGraph;
    private final Graph evalGraph;
    private final Backend backend;
    private final Map<String, Long> labelRanges;
    private final Map<String, NdArray> state = new LinkedHashMap<>();
    private final Map<String, Backend.Program> programs = new HashMap<>();
    private final Map<Backend.Program, Long> pushed = new java.util.IdentityHashMap<>();
    private Backend.Program trainOwner;
    private long version;
    private long pulled;
    private final boolean feedsStep;
    private final java.util.Set<String> optimizerState = new java.util.HashSet<>();
    private long steps;

    /**
     * Traces {@code model} for training and for evaluation and initializes every parameter from
     * {@code seed}, or from {@code init} for the names it holds (a checkpoint or a folder of
     * {@code .npy} files); {@code init} must not name tensors the model lacks.
     *
     * @param model the model
     * @param optimizer the optimizer of the training step
     * @param seed the seed of the parameters' initializers
     * @param init initial values by name, or an empty map
     * @param backend where the graphs run
     * @throws TrainingException if {@code init} names a tensor the model lacks or holds one of another type
     */
    public Trainer(TrainingModel model, Optimizer optimizer, long seed, Map<String, NdArray> init, Backend backend) {
        this.model = model;
        this.backend = backend;
        Net train = new Net(graphName(model, "train_step"), Mode.TRAIN);
        TrainingModel.Traced traced = model.trace(train);
        this.labelRanges = Map.copyOf(train.labelRanges());
        this.trainGraph = TrainStep.build(train, traced.loss(), optimizer);
        Net eval = new Net(graphName(model, "eval"), Mode.EVAL);
        TrainingModel.Traced e = model.trace(eval);
        eval.output("prediction", e.prediction()).output("loss", e.loss());
        this.evalGraph = eval.build();
        this.feedsStep =
                trainGraph.find("step").map(n -> n.op() instanceof Input).orElse(false);
        state.putAll(train.initialValues(seed));
        train.params().forEach((path, p) -> {
            if (path.startsWith(optimizer.name() + ".")) {
                optimizerState.add(path);
            }
        });
        if (init != null) {
            loadInto(init);
        }
    }

    private static String graphName(TrainingModel m, String what) {
        return m.name().replaceAll("[^A-Za-z0-9_]", "_") + "_" + what;
    }

    /**
     * Replaces initial values with {@code init}'s. It must name only tensors of the model, each of
     * its type, and hold every parameter; optimizer state may be absent (a fresh optimizer). Any
     * mismatch fails with one message listing every missing, extra and mis-shaped tensor.
     */
    private void loadInto(Map<String, NdArray> init) {
        Map<String, dev.javelin.ir.type.TensorType> expected = new LinkedHashMap<>();
        state.forEach((name, value) -> {
            if (init.containsKey(name) || !optimizerState.contains(name)) {
                expected.put(name, value.type());
            }
        });
        try {
            dev.javelin.dsl.checkpoint.Checkpoint.check(expected, init);
        } catch (RuntimeException e) {
            throw new TrainingException("initial values for model " + model.name() + ": " + e.getMessage(), e);
        }
        pull();
        state.putAll(init);
        version++;
        pulled = version;
        trainOwner = null;
    }

    /**
     * Replaces the parameters and optimizer state with a checkpoint's (see the constructor's rules).
     *
     * @param checkpoint the tensors by name
     */
    public void load(Map<String, NdArray> checkpoint) {
        loadInto(checkpoint);
    }

    /**
     * The training step's graph: forward, loss, gradients and optimizer updates.
     *
     * @return the graph
     */
    public Graph trainGraph() {
        return trainGraph;
    }

    /**
     * The evaluation graph: the model traced in {@link dev.javelin.dsl.Mode#EVAL} mode, with its prediction and loss.
     *
     * @return the graph
     */
    public Graph evalGraph() {
        return evalGraph;
    }

    /**
     * Parameters and optimizer state, by name (read-only, current as of the last step).
     *
     * @return an unmodifiable view of the state by name
     */
    public Map<String, NdArray> state() {
        pull();
        return Collections.unmodifiableMap(state);
    }

    /**
     * The integer label input a classification loss reads, if the model has one (for accuracy).
     *
     * @return the label input's name, or empty
     */
    public java.util.Optional<String> labelInput() {
        return labelRanges.keySet().stream().findFirst();
    }

    /**
     * The names and types of the inputs a batch must provide (the model's inputs, not lr or step).
     *
     * @return a new map from input name to type
     */
    public Map<String, dev.javelin.ir.type.TensorType> batchInputs() {
        Map<String, dev.javelin.ir.type.TensorType> inputs = new LinkedHashMap<>();
        for (Node n : trainGraph.inputs()) {
            if (!n.name().equals("lr") && !(feedsStep && n.name().equals("step"))) {
                inputs.put(n.name(), n.type());
            }
        }
        return inputs;
    }

    /**
     * The number of examples of one batch whose largest prediction is the label (ties go to the lower class).
     *
     * @param logits the predictions, {@code [batch, classes]}
     * @param labels the class labels, {@code [batch]}
     * @return the number of correct predictions
     */
    public static long correct(NdArray logits, NdArray labels) {
        long classes = logits.dim(logits.rank() - 1);
        long right = 0;
        for (int i = 0; i < labels.size(); i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits.get((int) (i * classes + c)) > logits.get((int) (i * classes + best))) {
                    best = c;
                }
            }
            if (best == labels.getLong(i)) {
                right++;
            }
        }
        return right;
    }

    /**
     * The steps taken, counting those of the checkpoint this trainer resumed from.
     *
     * @return the number of steps
     */
    public long steps() {
        return steps;
    }

    /**
     * Continues the step count of a checkpoint that was saved after {@code steps} steps, so that
     * optimizers that count steps (Adam's bias correction) resume where they stopped.
     *
     * @param steps the steps already taken, {@code >= 0}
     * @throws IllegalArgumentException if {@code steps} is negative
     */
    public void resumeAt(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("a step count is >= 0, found " + steps);
        }
        this.steps = steps;
    }

    /**
     * Runs one training step on {@code batch} (the model's inputs by name) and returns its loss.
     *
     * @param batch the inputs by name, labels included
     * @param lr the learning rate of this step
     * @return the loss before the update
     * @throws TrainingException if a label is outside its range
     */
    public double step(Map<String, NdArray> batch, double lr) {
        checkLabels(batch);
        Backend.Program p = program(trainGraph, batch);
        if (trainOwner != p) {
            pull();
            push(p, trainGraph);
            trainOwner = p;
        }
        Map<String, NdArray> inputs = new HashMap<>(batch);
        inputs.put("lr", NdArray.scalar(DType.F32, lr));
        if (feedsStep) {
            inputs.put("step", NdArray.ofLongs(DType.I64, new long[0], steps));
        }
        Map<String, NdArray> outputs = p.run(inputs);
        version++;
        pushed.put(p, version);
        steps++;
        return outputs.get("loss").get(0);
    }

    /**
     * The evaluation graph's prediction and loss on {@code batch}, with the current parameters.
     *
     * @param batch the inputs by name, labels included
     * @return the outputs by name
     * @throws TrainingException if a label is outside its range
     */
    public Map<String, NdArray> evaluate(Map<String, NdArray> batch) {
        checkLabels(batch);
        Backend.Program p = program(evalGraph, batch);
        push(p, evalGraph);
        return p.run(batch);
    }

    /** The program for {@code g} at the sizes {@code batch} binds, prepared on first use. */
    private Backend.Program program(Graph g, Map<String, NdArray> batch) {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        for (Node in : g.inputs()) {
            NdArray v = batch.get(in.name());
            var dims = in.type().shape().dims();
            if (v == null || v.rank() != dims.size()) {
                continue;
            }
            for (int d = 0; d < dims.size(); d++) {
                if (dims.get(d) instanceof dev.javelin.ir.type.Dim.Sym s) {
                    sizes.put(s.name(), v.dim(d));
                }
            }
        }
        String key = g.name() + sizes;
        Backend.Program p = programs.get(key);
        if (p == null) {
            p = backend.prepare(g, sizes);
            programs.put(key, p);
        }
        return p;
    }

    /** Brings {@link #state} up to date with the training program that last ran, if it is behind. */
    private void pull() {
        if (trainOwner == null || pulled == version) {
            return;
        }
        for (Node n : trainGraph.nodes()) {
            if (n.op() instanceof Parameter) {
                state.put(n.name(), trainOwner.parameter(n.name()));
            }
        }
        pulled = version;
    }

    /** Gives {@code p} the current parameters of {@code g}, unless it already has them. */
    private void push(Backend.Program p, Graph g) {
        if (pushed.getOrDefault(p, -1L) == version) {
            return;
        }
        pull();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Parameter) {
                p.setParameter(n.name(), state.get(n.name()));
            }
        }
        pushed.put(p, version);
    }

    /** Releases the backend's programs (their memory, compiled code). */
    @Override
    public void close() {
        programs.values().forEach(Backend.Program::close);
        programs.clear();
    }

    /** Fails with a clear message when an integer label lies outside the classes the loss knows. */
    private void checkLabels(Map<String, NdArray> batch) {
        labelRanges.forEach((name, classes) -> {
            NdArray labels = batch.get(name);
            if (labels == null) {
                return;
            }
            for (int i = 0; i < labels.size(); i++) {
                long v = labels.getLong(i);
                if (v < 0 || v >= classes) {
                    throw new TrainingException("label out of range: input '" + name + "' holds " + v
                            + " at index " + i + ", but model " + model.name() + " has " + classes
                            + " classes (labels 0.." + (classes - 1) + ")");
                }
            }
        });
    }
}
