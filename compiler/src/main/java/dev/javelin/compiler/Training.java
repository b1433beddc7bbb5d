package dev.javelin.compiler;

import dev.javelin.JavelinException;
import dev.javelin.compiler.cpu.SimdBackend;
import dev.javelin.compiler.cuda.CudaTrainerBackend;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.data.DataLoader;
import dev.javelin.dsl.optim.LrSchedule;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A training session from Java code: a model with its loss ({@link TrainingModel}), an optimizer and
 * a learning-rate schedule, compiled once as one step graph (forward, backward, update) and one
 * evaluation graph for the target of the {@link CompileOptions}, with the parameters and optimizer
 * state held on the target between steps.
 *
 * <pre>{@code
 * try (Training t = Training.of(model, Optimizer.named("adam"), LrSchedule.constant(1e-3), CompileOptions.cpu());
 *         DataLoader train = DataLoader.over(split.train()).batchSize(64).shuffle(0).dropLast(true).build();
 *         DataLoader test = DataLoader.over(split.test()).batchSize(500).build()) {
 *     t.onEpoch((session, epoch, metrics) -> System.out.println(epoch + ": " + metrics));
 *     t.fit(train, 3, test);
 *     t.save(Path.of("mnist-mlp.safetensors"));
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one thread drives a session. Batches are maps from the model's input names
 * ({@link #batchInputs()}) to arrays, as {@link DataLoader} yields them.
 */
public final class Training implements AutoCloseable {
    /** Called after every training step, with the loss computed before the step's update. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * Receives the end of a step.
         *
         * @param session the training session
         * @param step the step's number, from 0
         * @param loss the step's loss
         * @param lr the learning rate the step used
         */
        void onStep(Training session, long step, double loss, double lr);
    }

    /** Called after every epoch of {@link #fit}, with the test data's metrics (or the epoch's mean loss). */
    @FunctionalInterface
    public interface EpochListener {
        /**
         * Receives the end of an epoch.
         *
         * @param session the training session
         * @param epoch the epoch's number, from 0
         * @param metrics the epoch's metrics
         */
        void onEpoch(Training session, int epoch, Metrics metrics);
    }

    /**
     * Loss and accuracy over some examples: the mean loss per batch weighted by its examples, and for
     * classifiers (a model with an integer label input) how many predictions were right.
     *
     * @param loss the mean loss, weighted by each batch's examples
     * @param correct the right predictions (0 for a model without labels)
     * @param examples the examples the metrics are over
     * @param classifier whether the model has an integer label input
     */
    public record Metrics(double loss, long correct, long examples, boolean classifier) {
        /**
         * The fraction of right predictions; NaN for a model without labels.
         *
         * @return the accuracy, in {@code [0, 1]}
         */
        public double accuracy() {
            return classifier && examples > 0 ? (double) correct / examples : Double.NaN;
        }

        @Override
        public String toString() {
            return String.format(
                    "loss %.6f%s over %d examples",
                    loss, classifier ? String.format(", accuracy %.4f", accuracy()) : "", examples);
        }
    }

    private final TrainingModel model;
    private final Trainer trainer;
    private final Backend backend;
    private final LrSchedule schedule;
    private final List<StepListener> stepListeners = new ArrayList<>();
    private final List<EpochListener> epochListeners = new ArrayList<>();
    private boolean stopRequested;
    private boolean closed;

    private Training(TrainingModel model, Trainer trainer, Backend backend, LrSchedule schedule) {
        this.model = model;
        this.trainer = trainer;
        this.backend = backend;
        this.schedule = schedule;
    }

    /**
     * Compiles {@code model}'s training step with {@code optimizer} for {@code options}' target and
     * initializes its parameters from {@code options.seed()}. Graphs are compiled per batch size on
     * first use (a short last batch compiles once more).
     *
     * @param model the model
     * @param optimizer the optimizer of the training step
     * @param schedule the learning rate of each step
     * @param options the target, passes (fusion), threads, kernel cache, seed and log; the sizes of the
     *     symbolic dimensions come from each batch instead
     * @return the session; close it to free its compiled programs
     */
    public static Training of(TrainingModel model, Optimizer optimizer, LrSchedule schedule, CompileOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(options, "options");
        Backend backend = backend(options);
        try {
            Trainer trainer = new Trainer(model, optimizer, options.seed(), null, backend);
            return new Training(model, trainer, backend, schedule);
        } catch (RuntimeException e) {
            close(backend);
            throw e;
        }
    }

    private static Backend backend(CompileOptions options) {
        String target = Javelin.target(options);
        if (target.equals("cuda")) {
            return CudaTrainerBackend.open(options.log());
        }
        return new SimdBackend(
                Javelin.pool(options), options.cacheDir(), Javelin.passes(options, target), options.log());
    }

    /**
     * Adds a listener called after every step (log the loss, or {@link #stop()} early).
     *
     * @param listener the listener
     * @return this session
     */
    public Training onStep(StepListener listener) {
        stepListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Adds a listener called after every epoch of {@link #fit}.
     *
     * @param listener the listener
     * @return this session
     */
    public Training onEpoch(EpochListener listener) {
        epochListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Makes {@link #fit} return after the current step (call it from a listener). */
    public void stop() {
        stopRequested = true;
    }

    /**
     * The inputs a batch must hold, by name, with their types ({@code batch} is the batch size).
     *
     * @return a new map from input name to type
     */
    public Map<String, TensorType> batchInputs() {
        return trainer.batchInputs();
    }

    /**
     * Steps taken, counting those of a loaded checkpoint.
     *
     * @return the number of steps
     */
    public long steps() {
        return trainer.steps();
    }

    /**
     * The learning rate the next step will use.
     *
     * @return the learning rate
     */
    public double lr() {
        return schedule.lr(trainer.steps());
    }

    /**
     * One training step on {@code batch}: returns the loss before the update. A loss that is not
     * finite stops with an error naming the step and the learning rate (the parameters are those
     * the step wrote; load a checkpoint to go on).
     *
     * @param batch the inputs by name, labels included
     * @return the loss
     * @throws JavelinException if the loss is not finite or a label is out of range
     */
    public double step(Map<String, NdArray> batch) {
        open();
        long step = trainer.steps();
        double lr = schedule.lr(step);
        double loss = trainer.step(batch, lr);
        if (!Double.isFinite(loss)) {
            throw new JavelinException("training " + model.name() + ": the loss of step " + step + " is " + loss
                    + " (learning rate " + lr + "); try a smaller learning rate");
        }
        for (StepListener l : stepListeners) {
            l.onStep(this, step, loss, lr);
        }
        return loss;
    }

    /**
     * The loss (and for a classifier, the right predictions) on one batch, with the current parameters.
     *
     * @param batch the inputs by name, labels included
     * @return the metrics
     */
    public Metrics evaluate(Map<String, NdArray> batch) {
        open();
        Map<String, NdArray> out = trainer.evaluate(batch);
        long examples = examples(batch);
        var label = trainer.labelInput();
        long correct = label.isPresent() ? Trainer.correct(out.get("prediction"), batch.get(label.get())) : 0;
        return new Metrics(out.get("loss").get(0), correct, examples, label.isPresent());
    }

    /**
     * Metrics over one whole epoch of {@code data}.
     *
     * @param data the loader
     * @return the metrics
     */
    public Metrics evaluate(DataLoader data) {
        double loss = 0;
        long correct = 0;
        long examples = 0;
        boolean classifier = false;
        try (DataLoader.Epoch epoch = data.epoch(0)) {
            for (Map<String, NdArray> batch : epoch) {
                Metrics m = evaluate(batch);
                loss += m.loss() * m.examples();
                correct += m.correct();
                examples += m.examples();
                classifier = m.classifier();
            }
        }
        return new Metrics(examples == 0 ? Double.NaN : loss / examples, correct, examples, classifier);
    }

    /**
     * Trains for {@code epochs} passes over {@code train}; after each, evaluates {@code test} (if not
     * null) and calls the epoch listeners. Returns each epoch's metrics (the test data's, else the
     * epoch's mean training loss); fewer if a listener called {@link #stop()}.
     *
     * @param train the training data
     * @param epochs the number of epochs, at least 1
     * @param test the test data, or null
     * @return the metrics of each epoch run
     * @throws JavelinException if {@code epochs} is less than 1 or a step fails
     */
    public List<Metrics> fit(DataLoader train, int epochs, DataLoader test) {
        Objects.requireNonNull(train, "train");
        if (epochs < 1) {
            throw new JavelinException("fit needs at least 1 epoch, found " + epochs);
        }
        stopRequested = false;
        List<Metrics> history = new ArrayList<>();
        for (int e = 0; e < epochs && !stopRequested; e++) {
            double loss = 0;
            long examples = 0;
            try (DataLoader.Epoch epoch = train.epoch(e)) {
                for (Map<String, NdArray> batch : epoch) {
                    long n = examples(batch);
                    loss += step(batch) * n;
                    examples += n;
                    if (stopRequested) {
                        break;
                    }
                }
            }
            Metrics m = test != null ? evaluate(test) : new Metrics(loss / Math.max(1, examples), 0, examples, false);
            history.add(m);
            for (EpochListener l : epochListeners) {
                l.onEpoch(this, e, m);
            }
        }
        return history;
    }

    /**
     * Parameters and optimizer state by name, as of the last step.
     *
     * @return an unmodifiable view of the state by name
     */
    public Map<String, NdArray> state() {
        return trainer.state();
    }

    /**
     * Saves parameters, optimizer state and the step count: a {@code .safetensors} file or a
     * checkpoint folder, replaced crash-safely, never over a file Javelin did not write.
     *
     * @param path a {@code .safetensors} file or a folder
     * @throws JavelinException if the target is not fit for a checkpoint or the write fails
     */
    public void save(Path path) {
        open();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(Checkpoint.STEPS, Long.toString(trainer.steps()));
        metadata.put("javelin.model", model.name());
        Checkpoint.save(path, trainer.state(), metadata);
    }

    /**
     * Loads what {@link #save} (or {@code javelin train --save}) wrote: the parameters, the
     * optimizer state where the checkpoint has it, and the step count, so a schedule and Adam's
     * bias correction go on where they stopped.
     *
     * @param path a checkpoint, as {@link #save} writes it
     * @throws JavelinException if the checkpoint cannot be read or does not fit the model
     */
    public void load(Path path) {
        open();
        Checkpoint.Contents c = Checkpoint.read(path);
        trainer.load(c.tensors());
        String steps = c.metadata().get(Checkpoint.STEPS);
        try {
            trainer.resumeAt(steps == null ? 0 : Long.parseLong(steps));
        } catch (IllegalArgumentException e) {
            throw new JavelinException(
                    "checkpoint " + path + ": its metadata " + Checkpoint.STEPS + " is '" + steps
                            + "', expected a step count >= 0",
                    e);
        }
    }

    private static long examples(Map<String, NdArray> batch) {
        for (NdArray v : batch.values()) {
            if (v.rank() > 0) {
                return v.dim(0);
            }
        }
        return 1;
    }

    private void open() {
        if (closed) {
            throw new JavelinException("training " + model.name() + " is closed");
        }
    }

    /** Releases the compiled programs and the target (the CPU threads, the GPU's memory). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            trainer.close();
        } finally {
            close(backend);
        }
    }

    private static void close(Backend backend) {
        if (backend instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new JavelinException("closing the " + backend.name() + " backend: " + e.getMessage(), e);
            }
        }
    }
}
