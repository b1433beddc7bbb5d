package dev.javelin.dsl.data;

import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A data set stored as a folder of {@code .npy} files, one per column, named by the file's stem:
 * {@code x.npy} and {@code y.npy} give the columns {@code x} and {@code y}. Every file needs the
 * same leading size, the number of examples. Other files (and hidden ones) are ignored, so a
 * README can sit beside the data.
 */
public final class NpyFolderDataset {
    private NpyFolderDataset() {}

    /**
     * Reads every {@code NAME.npy} of {@code dir} as the column {@code NAME}.
     *
     * @param dir the folder
     * @return the data set, all columns in memory
     * @throws DataException if the folder is missing, holds no {@code .npy} file, a file cannot be read or
     *     the columns' leading sizes differ
     */
    public static ArrayDataset load(Path dir) {
        if (!Files.exists(dir)) {
            throw new DataException("data folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException("data folder " + dir + " is a file, not a folder");
        }
        List<Path> files = npyFiles(dir);
        if (files.isEmpty()) {
            throw new DataException("data folder " + dir + " holds no .npy files (each column of a data set is one"
                    + " NAME.npy file with the examples along its first axis)");
        }
        Map<String, NdArray> columns = new TreeMap<>();
        for (Path f : files) {
            NdArray a;
            try {
                a = Npy.read(f);
            } catch (IOException e) {
                throw new DataException("cannot read " + f + ": " + e, e);
            }
            if (a.rank() == 0) {
                throw new DataException(f + " holds a scalar (" + a.type() + "); each column needs a leading axis"
                        + " that indexes the examples");
            }
            columns.put(stem(f), a);
        }
        long first = columns.values().iterator().next().dim(0);
        if (columns.values().stream().anyMatch(a -> a.dim(0) != first)) {
            StringBuilder b = new StringBuilder(
                    "the files in " + dir + " disagree on the number of examples (the size of their first axis):");
            columns.forEach((name, a) -> b.append("\n  ")
                    .append(name)
                    .append(".npy: ")
                    .append(a.dim(0))
                    .append(" (")
                    .append(a.type())
                    .append(')'));
            throw new DataException(b.toString());
        }
        if (first == 0) {
            Map.Entry<String, NdArray> e = columns.entrySet().iterator().next();
            throw new DataException("data folder " + dir + " holds 0 examples (" + e.getKey() + ".npy is "
                    + e.getValue().type() + "); training needs at least one");
        }
        return new ArrayDataset(columns);
    }

    /** The visible {@code *.npy} files of {@code dir}, sorted by name. */
    static List<Path> npyFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".npy") && !n.startsWith(".") && Files.isRegularFile(p);
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException("cannot list data folder " + dir + ": " + e, e);
        }
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.length() - ".npy".length());
    }
}
