package dev.javelin.compiler.cli;

import dev.javelin.compiler.Version;
import dev.javelin.compiler.report.HtmlReport;
import dev.javelin.compiler.report.TensorBoardEvents;
import dev.javelin.compiler.report.TrainingChart;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.data.DataLoader;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.data.MnistDataset;
import dev.javelin.dsl.data.NpyFolderDataset;
import dev.javelin.dsl.optim.LrSchedule;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.NamedModels;
import dev.javelin.llm.gpt2.Gpt2;
import dev.javelin.llm.gpt2.Gpt2Config;
import dev.javelin.llm.tokenizer.BpeTokenizer;
import dev.javelin.llm.train.BrownCorpus;
import dev.javelin.llm.train.LmTraining;
import dev.javelin.llm.train.TokenFile;
import dev.javelin.llm.train.TokenWindows;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code javelin train}: trains a named model on synthetic data, a folder of .npy files, or MNIST, or
 * a GPT-2 of a given shape on the Brown corpus.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", description = "Model to train (javelin models lists them).")
    String model;

    @Mixin
    ModelClassOption modelClass = new ModelClassOption();

    @Option(
            names = "--data",
            defaultValue = "synthetic",
            paramLabel = "mnist|brown|synthetic|DIR",
            description = "Training data (default: ${DEFAULT-VALUE}); DIR holds one .npy per model input; brown is"
                    + " the Brown corpus in GPT-2's tokens, for --model gpt2 (5% held out).")
    String data;

    @Option(
            names = "--config",
            paramLabel = "NAME|DIR",
            description = "With --model gpt2: its shape, named (gpt2-tiny, gpt2) or a folder with a Hugging Face"
                    + " config.json. Trains the next-token loss with AdamW (betas 0.9, 0.95) decaying the matrices"
                    + " by 0.1 and gradients clipped to a global norm of 1.")
    String config;

    @Option(
            names = "--seq",
            paramLabel = "N",
            description = "With --config: tokens per training window (default: 128, or the model's positions).")
    Integer seq;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "Raise the rate linearly over N steps, then lower it by half a cosine to a tenth at the"
                    + " last step (default: a constant rate).")
    Integer warmup;

    @Option(
            names = "--brown-cache",
            paramLabel = "DIR",
            description = "Where scripts/fetch-brown put the Brown corpus (GPT-2's vocabulary is read from the"
                    + " gpt2 folder beside it).")
    Path brownCache;

    @Option(
            names = "--init",
            paramLabel = "DIR|FILE.safetensors",
            description = "Start from a checkpoint (what --save writes, or a folder with a .npy per parameter path):"
                    + " its parameters, optimizer state and step count.")
    Path init;

    @Option(names = "--steps", paramLabel = "N", description = "Number of steps (default 100 on synthetic data).")
    Integer steps;

    @Option(names = "--epochs", paramLabel = "N", description = "Number of passes over the data (default 1).")
    Integer epochs;

    @Option(
            names = "--batch",
            paramLabel = "N",
            description = "Batch size (default: the model's own; the whole data set for DIR).")
    Integer batch;

    @Option(
            names = "--optimizer",
            description = "sgd, momentum, nesterov, adam or adamw (default: the model's own, see javelin models).")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate (default: the model's own, see javelin models).")
    Double lr;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for initialization and shuffling.")
    long seed;

    @Option(
            names = "--backend",
            paramLabel = "interpreter|simd|cuda",
            description = "Where to run: the float64 reference interpreter, the CPU (Java Vector API) or CUDA"
                    + " (default: chosen by --device).")
    String backend;

    @Option(
            names = "--device",
            defaultValue = "auto",
            paramLabel = "auto|cpu|gpu",
            description = "auto: CUDA where available, else the CPU (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(
            names = "--loss-csv",
            paramLabel = "FILE",
            description = "Write 'step,loss' per step (loss before the step's update).")
    Path lossCsv;

    @Option(
            names = "--plot",
            paramLabel = "FILE.png",
            description = "Draw the loss of every step and the test accuracy of every epoch into a PNG.")
    Path plot;

    @Option(
            names = "--tensorboard",
            paramLabel = "DIR",
            description = "Write the loss of every step and the test accuracy of every epoch as TensorBoard scalars.")
    Path tensorboard;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "Write a self-contained HTML report with the loss and accuracy curves.")
    Path html;

    @Option(
            names = "--save",
            paramLabel = "DIR|FILE.safetensors",
            description = "Save parameters, optimizer state and step count: a new or empty folder, a checkpoint Javelin"
                    + " wrote, or a .safetensors file (never replaces a file Javelin did not write).")
    Path save;

    @Option(names = "--mnist-cache", paramLabel = "DIR", description = "Where scripts/fetch-mnist put MNIST.")
    Path mnistCache;

    @Spec
    CommandSpec spec;

    /** The curves of the last run, with its title and summary lines (for reports). */
    private TrainingChart chart;

    private String chartTitle;
    private final List<String> summary = new ArrayList<>();
    /** The rate of each step of this run, counted from this run's first step (not the checkpoint's). */
    private LrSchedule schedule;

    private long resumed;

    /** Batches of held-out windows a language model is scored on. */
    private static final int HELD_OUT_BATCHES = 16;

    @Override
    public Integer call() throws IOException {
        model = modelClass.resolve(model);
        if (model == null) {
            throw new CliException("give --model NAME or --model-class CLASS");
        }
        if (steps != null && epochs != null) {
            throw new CliException("give --steps or --epochs, not both");
        }
        checkOptions();
        TrainChecks.checkOutputs(
                outputs(), save, init, List.of("synthetic", "mnist", "brown").contains(data) ? null : Path.of(data));
        PrintWriter out = spec.commandLine().getOut();
        Outputs.writable(lossCsv, "--loss-csv");
        Outputs.writable(plot, "--plot");
        Outputs.writable(html, "--html");
        TrainingModel m = config != null ? languageModel() : Models.create(model);
        TrainingModel.Defaults defaults = m.defaults();
        optimizer = optimizer != null ? optimizer : defaults.optimizer();
        lr = lr != null ? lr : defaults.lr();
        Optimizer opt = m instanceof LmTraining lm && optimizer.equals("adamw")
                ? lm.adamW(0.1, 1.0)
                : Models.optimizer(optimizer);
        Checkpoint.Contents initial = init == null ? null : readInit();
        Data d = data(m, out);
        resumed = initial == null ? 0 : initialSteps(initial);
        schedule = warmup == null ? LrSchedule.constant(lr) : LrSchedule.cosine(lr, warmup, d.totalSteps(), lr / 10);
        Backend chosen = Backends.choose(backend, device, JavelinCli.debug(spec), out::println);
        backend = chosen.name();
        try (Backends.Closer closer = new Backends.Closer(chosen);
                Trainer trainer = new Trainer(m, opt, seed, initial == null ? null : initial.tensors(), chosen)) {
            if (initial != null) {
                trainer.resumeAt(resumed);
            }
            checkBeforeTraining(trainer, d);
            try (BufferedWriter csv = lossCsv == null ? null : Files.newBufferedWriter(lossCsv);
                    TensorBoardEvents tb = tensorboard == null ? null : new TensorBoardEvents(tensorboard)) {
                chart = new TrainingChart();
                chartTitle = model + " (" + optimizer + ", lr " + lr + ", batch " + d.batch() + ", " + backend + ")";
                new Loop(trainer, d, out, csv, tb, chart).run();
                if (tb != null) {
                    out.println("TensorBoard scalars written to " + tb.file());
                }
            }
            if (save != null) {
                TrainChecks.save(save, trainer.state(), saveMetadata(trainer), ownFiles(), model, out);
            }
            curves(out);
        }
        out.flush();
        return 0;
    }

    /** The curves as a PNG and in an HTML report, where asked (after the checkpoint, which matters more). */
    private void curves(PrintWriter out) throws IOException {
        if (plot != null) {
            chart.write(plot, chartTitle, 900, 500);
            out.println("training curves drawn to " + plot);
        }
        if (html != null) {
            new HtmlReport("Javelin training: " + model)
                    .note("javelin train "
                            + String.join(
                                    " ", spec.commandLine().getParseResult().originalArgs()))
                    .note(Version.describe())
                    .training(chart, chartTitle, summary)
                    .write(html);
            out.println("HTML report written to " + html.toAbsolutePath());
        }
    }

    TrainingChart chart() {
        return chart;
    }

    String chartTitle() {
        return chartTitle;
    }

    /** What the run did, in lines: steps and time, then the final test accuracy where there is one. */
    List<String> summary() {
        return List.copyOf(summary);
    }

    /** Every numeric option in its range, each error naming the option and the value given. */
    private void checkOptions() {
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw new CliException("--lr must be a finite number > 0, found " + lr);
        }
        if (batch != null && batch < 1) {
            throw new CliException("--batch must be >= 1, found " + batch);
        }
        if (steps != null && steps < 0) {
            throw new CliException("--steps must be >= 0, found " + steps);
        }
        if (epochs != null && epochs < 1) {
            throw new CliException("--epochs must be >= 1, found " + epochs);
        }
        if (warmup != null && (warmup < 0 || steps != null && warmup > steps)) {
            throw new CliException("--warmup must be between 0 and --steps, found " + warmup);
        }
        if (config == null && (seq != null || model.equals("gpt2"))) {
            throw new CliException("--model gpt2 and --seq go with --config NAME|DIR (gpt2-tiny, gpt2, or a folder with"
                    + " a config.json)");
        }
    }

    /** The --init checkpoint, in any format --save writes, with every float value finite. */
    private Checkpoint.Contents readInit() {
        Checkpoint.Contents c = Checkpoint.read(init);
        TrainChecks.checkFinite(c.tensors(), "checkpoint --init " + init);
        return c;
    }

    private long initialSteps(Checkpoint.Contents c) {
        String s = c.metadata().get(Checkpoint.STEPS);
        if (s == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(s);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException("checkpoint --init " + init + ": its metadata " + Checkpoint.STEPS + " is '" + s
                + "', expected a step count >= 0");
    }

    /**
     * Everything that can refuse the run, before the first step: the data against the model, finite
     * values, memory for the batch, and every way the --save target could be refused.
     */
    private void checkBeforeTraining(Trainer trainer, Data d) {
        if (d.train() != null) {
            checkColumns(trainer, d.train());
            if (!(d.train() instanceof TokenWindows)) { // token ids, checked against the vocabulary on load
                TrainChecks.checkFinite(d.train(), "data " + data);
            }
        }
        TrainChecks.checkMemory(trainer.trainGraph(), trainer.batchInputs(), d.batch(), backend.equals("interpreter"));
        if (save != null) {
            try {
                dev.javelin.dsl.checkpoint.SaveTarget.check(save, Checkpoint.types(trainer.state()), ownFiles());
            } catch (dev.javelin.dsl.checkpoint.CheckpointException e) {
                throw new CliException("--save " + save + ": " + e.getMessage());
            }
        }
    }

    /** The output options given, by name. */
    private Map<String, Path> outputs() {
        Map<String, Path> outs = new java.util.LinkedHashMap<>();
        outs.put("--loss-csv", lossCsv);
        outs.put("--plot", plot);
        outs.put("--html", html);
        outs.put("--tensorboard", tensorboard);
        outs.values().removeIf(java.util.Objects::isNull);
        return outs;
    }

    /** The files this run writes itself, which may sit in the --save folder. */
    private java.util.Set<Path> ownFiles() {
        java.util.Set<Path> own = new java.util.HashSet<>();
        for (Path p : new Path[] {lossCsv, plot, html, tensorboard}) {
            if (p != null) {
                own.add(p);
            }
        }
        return own;
    }

    private Map<String, String> saveMetadata(Trainer trainer) {
        return Map.of(Checkpoint.STEPS, Long.toString(trainer.steps()), "javelin.model", model);
    }

    /** The data must hold a column of the right type for every input of the model. */
    private void checkColumns(Trainer trainer, Dataset ds) {
        var have = ds.exampleTypes();
        java.util.List<String> problems = new java.util.ArrayList<>();
        trainer.batchInputs().forEach((name, type) -> {
            var want = new dev.javelin.ir.type.TensorType(
                    type.dtype(), type.shape().sub(1, type.rank()));
            var got = have.get(name);
            if (got == null) {
                problems.add("no column '" + name + "' (" + name + ".npy) for input " + name + " : " + type);
            } else if (!got.equals(want)) {
                problems.add("column '" + name + "' holds " + got + " per example, input " + name + " : " + type
                        + " wants " + want);
            }
        });
        if (!problems.isEmpty()) {
            throw new CliException("data " + data + " does not fit model " + model + ": " + String.join("; ", problems)
                    + " (columns: " + have.keySet() + ")");
        }
    }

    /** Training and test data, with how many steps to run. */
    record Data(Dataset train, Dataset test, int batch, boolean shuffle, long totalSteps, TrainingModel synthetic) {}

    private Data data(TrainingModel m, PrintWriter out) {
        TrainingModel.Defaults defaults = m.defaults();
        if (data.equals("synthetic")) {
            if (epochs != null) {
                throw new CliException("--epochs needs a data set (synthetic data has no epochs); use --steps N");
            }
            long n = steps != null ? steps : 100;
            return new Data(null, null, batch == null ? defaults.batch() : batch, false, n, m);
        }
        if (data.equals("brown") || m instanceof LmTraining) {
            return brown(m, out);
        }
        Dataset train;
        Dataset test = null;
        if (data.equals("mnist")) {
            Dataset.Split split = MnistDataset.load(mnistCache != null ? mnistCache : defaultMnistCache());
            train = split.train();
            test = split.test();
        } else {
            train = NpyFolderDataset.load(Path.of(data));
        }
        int b = batch != null ? batch : data.equals("mnist") ? defaults.batch() : train.size();
        boolean fullBatch = b >= train.size();
        int perEpoch = Math.max(1, fullBatch ? 1 : train.size() / b);
        long n = steps != null ? steps : (long) (epochs != null ? epochs : 1) * perEpoch;
        return new Data(train, test, Math.min(b, train.size()), !fullBatch, n, null);
    }

    private static Path defaultMnistCache() {
        return defaultCache("mnist");
    }

    private static Path defaultCache(String name) {
        String home = System.getProperty("javelin.home");
        return home == null ? Path.of(".cache", name) : Path.of(home, ".cache", name);
    }

    /** {@code --model gpt2 --config NAME|DIR}: a GPT-2 of that shape with its next-token loss. */
    private TrainingModel languageModel() {
        if (!model.equals("gpt2")) {
            throw new CliException("--config goes with --model gpt2, found --model " + model);
        }
        Gpt2Config c;
        if (NamedModels.names().contains(config)) {
            if (!(NamedModels.create(config) instanceof Gpt2 g)) {
                throw new CliException("--model gpt2 takes a GPT-2 shape (gpt2-tiny, gpt2), found --config " + config);
            }
            c = g.config();
        } else if (Files.isDirectory(Path.of(config))) {
            c = Gpt2Config.read(Path.of(config));
        } else {
            throw new CliException("--config " + config + " is neither a named shape ("
                    + String.join(", ", NamedModels.names()) + ") nor a folder with a config.json");
        }
        int n = seq != null ? seq : Math.min(128, c.positions());
        try {
            return new LmTraining(model, new Gpt2(c), n);
        } catch (IllegalArgumentException e) {
            throw new CliException("--seq " + n + ": " + e.getMessage());
        }
    }

    /** The Brown corpus's windows for a language model: 95% to train on, the last 5% held out. */
    private Data brown(TrainingModel m, PrintWriter out) {
        if (!data.equals("brown") || !(m instanceof LmTraining lm)) {
            throw new CliException("--model gpt2 --config trains on --data brown, and --data brown needs them; found"
                    + " --model " + model + " --data " + data);
        }
        if (steps == null) {
            throw new CliException("--data brown needs --steps N (an epoch is over a million windows)");
        }
        Path cache = brownCache != null ? brownCache : defaultCache("brown");
        BrownCorpus.files(cache.resolve("package")); // a missing corpus is named before the vocabulary
        BpeTokenizer gpt2 = BpeTokenizer.gpt2(cache.toAbsolutePath().resolveSibling("gpt2"));
        TokenFile tokens = BrownCorpus.tokens(cache, gpt2, out::println);
        if (tokens.vocab() > lm.model().vocab()) {
            throw new CliException("--data brown holds ids of GPT-2's " + tokens.vocab() + " tokens; the model's"
                    + " vocabulary has " + lm.model().vocab());
        }
        Dataset.Split split = tokens.windows(lm.seq(), 0.05);
        return new Data(
                split.train(),
                split.test(),
                batch != null ? batch : m.defaults().batch(),
                true,
                steps,
                null);
    }

    /** The training loop: steps, progress, the loss file, and test accuracy after each epoch. */
    private final class Loop {
        private final Trainer trainer;
        private final Data d;
        private final PrintWriter out;
        private final BufferedWriter csv;
        private final TensorBoardEvents tb;
        private final TrainingChart chart;
        private final Progress progress;

        Loop(Trainer trainer, Data d, PrintWriter out, BufferedWriter csv, TensorBoardEvents tb, TrainingChart chart) {
            this.trainer = trainer;
            this.d = d;
            this.out = out;
            this.csv = csv;
            this.tb = tb;
            this.chart = chart;
            // counted like every other output: from the first step of the checkpoint a run resumed from
            this.progress = new Progress(
                    out, System.console() != null && System.console().isTerminal(), trainer.steps() + d.totalSteps());
        }

        void run() throws IOException {
            out.printf(
                    Locale.ROOT,
                    "training %s on %s: %d steps, batch %d, %s lr %s%s, backend %s%n",
                    model,
                    data,
                    d.totalSteps(),
                    d.batch(),
                    optimizer,
                    ModelsCommand.plain(lr),
                    warmup == null ? "" : " (cosine after " + warmup + " warm-up steps)",
                    backend);
            long t0 = System.nanoTime();
            if (d.synthetic() != null) {
                for (long s = 0; s < d.totalSteps(); s++) {
                    // seeded by the step's number since the start, so a resumed run continues the same stream
                    step(s, d.synthetic().syntheticBatch(d.batch(), seed * 1_000_003L + trainer.steps()));
                }
            } else {
                runEpochs();
            }
            summary.add(
                    0,
                    String.format(
                            Locale.ROOT,
                            "%d steps of batch %d on %s in %.1f s (test evaluations included), backend %s",
                            d.totalSteps(),
                            d.batch(),
                            data,
                            (System.nanoTime() - t0) / 1e9,
                            backend));
        }

        private void runEpochs() throws IOException {
            DataLoader.Builder b =
                    DataLoader.over(d.train()).batchSize(d.batch()).dropLast(d.shuffle());
            if (d.shuffle()) {
                b.shuffle(seed);
            }
            long s = 0;
            try (DataLoader loader = b.build()) {
                for (int epoch = 0; s < d.totalSteps(); epoch++) {
                    boolean whole = true;
                    try (DataLoader.Epoch batches = loader.epoch(epoch)) {
                        for (Map<String, NdArray> batch : batches) {
                            if (s == d.totalSteps()) {
                                whole = false;
                                break;
                            }
                            step(s++, batch);
                        }
                    }
                    if (d.test() != null && whole && s < d.totalSteps()) {
                        out.printf(Locale.ROOT, "epoch %d: %s%n", epoch + 1, accuracy(d.test(), trainer.steps()));
                    }
                }
            }
            if (d.test() != null) {
                String last = "final " + accuracy(d.test(), trainer.steps());
                out.println(last);
                summary.add(last);
            }
        }

        /**
         * Runs the {@code s}-th step of this run (from 0). Steps are numbered from 1 in every output,
         * counting the steps of the checkpoint a run resumed from.
         */
        private void step(long s, Map<String, NdArray> batch) throws IOException {
            double rate = schedule.lr(trainer.steps() - resumed);
            double loss = trainer.step(batch, rate);
            long number = trainer.steps();
            if (csv != null) {
                csv.write(number + "," + loss + "\n");
            }
            if (tb != null) {
                tb.scalar("loss", number, loss);
            }
            if (Double.isFinite(loss)) {
                chart.loss(number, loss);
            }
            if (!Double.isFinite(loss)) {
                throw new CliException("the loss became " + loss + " at step " + number + " (the data and the initial"
                        + " parameters are finite, so the training diverged); try a smaller --lr than " + rate);
            }
            progress.update(number, String.format(Locale.ROOT, "loss %.6g", loss));
        }

        /** The test accuracy as text; also a TensorBoard scalar at {@code step} when asked. */
        private String accuracy(Dataset test, long step) throws IOException {
            if (test instanceof TokenWindows) {
                return heldOut(test, step);
            }
            String label = trainer.labelInput().orElse(null);
            if (label == null) {
                return "no accuracy (the model has no class labels)";
            }
            long right = 0;
            try (DataLoader loader = DataLoader.over(test).batchSize(500).build();
                    DataLoader.Epoch batches = loader.epoch(0)) {
                for (Map<String, NdArray> batch : batches) {
                    right += Trainer.correct(trainer.evaluate(batch).get("prediction"), batch.get(label));
                }
            }
            if (tb != null) {
                tb.scalar("test_accuracy", step, (double) right / test.size());
            }
            chart.accuracy(step, (double) right / test.size());
            return String.format(
                    Locale.ROOT, "test accuracy %.2f%% (%d/%d)", 100.0 * right / test.size(), right, test.size());
        }

        /** A language model's mean loss and next-token accuracy on seeded batches of held-out windows. */
        private String heldOut(Dataset test, long step) throws IOException {
            double loss = 0;
            long right = 0;
            long tokens = 0;
            int n = 0;
            try (DataLoader loader = DataLoader.over(test)
                            .batchSize(d.batch())
                            .shuffle(seed)
                            .dropLast(true)
                            .build();
                    DataLoader.Epoch batches = loader.epoch(0)) {
                for (; n < HELD_OUT_BATCHES && batches.hasNext(); n++) {
                    Map<String, NdArray> batch = batches.next();
                    Map<String, NdArray> r = trainer.evaluate(batch);
                    loss += r.get("loss").get(0);
                    right += Trainer.correct(r.get("prediction"), batch.get("labels"));
                    tokens += batch.get("labels").size();
                }
            }
            if (tb != null) {
                tb.scalar("held_out_loss", step, loss / n);
            }
            chart.accuracy(step, (double) right / tokens);
            return String.format(
                    Locale.ROOT,
                    "held-out loss %.4f, next-token accuracy %.2f%% (%d windows of %d tokens)",
                    loss / n,
                    100.0 * right / tokens,
                    n * d.batch(),
                    tokens / (n * d.batch()));
        }
    }
}
