package dev.javelin.dsl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.npy.NpyException;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFolderDatasetTest {
    @TempDir
    Path dir;

    @Test
    void everyNpyFileIsAColumnNamedByItsStem() throws IOException {
        NdArray x = NdArray.of(DType.F32, new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        NdArray y = NdArray.ofLongs(DType.I64, new long[] {3}, 7, 8, 9);
        Npy.write(dir.resolve("x.npy"), x);
        Npy.write(dir.resolve("y.npy"), y);
        Files.writeString(dir.resolve("README.md"), "not data");
        Files.write(dir.resolve(".hidden.npy"), new byte[] {1});
        ArrayDataset d = NpyFolderDataset.load(dir);
        assertEquals(3, d.size());
        assertEquals(x, d.columns().get("x"));
        assertEquals(y, d.columns().get("y"));
        assertEquals(2, d.columns().size());
    }

    @Test
    void saysWhatIsWrongWithTheFolder() throws IOException {
        Path missing = dir.resolve("nope");
        assertEquals(
                "data folder " + missing + " does not exist",
                assertThrows(DataException.class, () -> NpyFolderDataset.load(missing))
                        .getMessage());
        Files.writeString(dir.resolve("notes.txt"), "x");
        assertEquals(
                "data folder " + dir + " holds no .npy files (each column of a data set is one NAME.npy file with the"
                        + " examples along its first axis)",
                assertThrows(DataException.class, () -> NpyFolderDataset.load(dir))
                        .getMessage());
        assertEquals(
                "data folder " + dir.resolve("notes.txt") + " is a file, not a folder",
                assertThrows(DataException.class, () -> NpyFolderDataset.load(dir.resolve("notes.txt")))
                        .getMessage());
    }

    @Test
    void namesEveryFileAndItsSizeWhenTheyDisagree() throws IOException {
        Npy.write(dir.resolve("x.npy"), NdArray.zeros(DType.F32, 100, 4));
        Npy.write(dir.resolve("y.npy"), NdArray.zeros(DType.I64, 99));
        Npy.write(dir.resolve("w.npy"), NdArray.zeros(DType.F64, 100));
        assertEquals(
                "the files in " + dir + " disagree on the number of examples (the size of their first axis):\n"
                        + "  w.npy: 100 (f64[100])\n"
                        + "  x.npy: 100 (f32[100,4])\n"
                        + "  y.npy: 99 (i64[99])",
                assertThrows(DataException.class, () -> NpyFolderDataset.load(dir))
                        .getMessage());
    }

    @Test
    void rejectsScalarsAndCorruptFilesNamingTheFile() throws IOException {
        Npy.write(dir.resolve("s.npy"), NdArray.scalar(DType.F32, 1));
        assertEquals(
                dir.resolve("s.npy") + " holds a scalar (f32[]); each column needs a leading axis that indexes the"
                        + " examples",
                assertThrows(DataException.class, () -> NpyFolderDataset.load(dir))
                        .getMessage());
        Files.delete(dir.resolve("s.npy"));
        Files.write(dir.resolve("bad.npy"), new byte[] {1, 2, 3});
        assertEquals(
                dir.resolve("bad.npy") + ": not a .npy file (3 bytes, shorter than the 10-byte preamble)",
                assertThrows(NpyException.class, () -> NpyFolderDataset.load(dir))
                        .getMessage());
    }
}
