package dev.javelin.dsl.data;

import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;
import java.util.Map;

/**
 * A data set: {@link #size()} examples, each a set of named tensors (the columns). Access is by
 * batch, never by single example, because gathering many rows into one array at once is what
 * feeding a model needs and is far cheaper than building a map per example.
 */
public interface Dataset {

    /**
     * The number of examples.
     *
     * @return the number of examples
     */
    int size();

    /**
     * The type of one example of each column, without the leading example axis: {@code image → f32[784]}.
     *
     * @return the types by column name
     */
    Map<String, TensorType> exampleTypes();

    /**
     * The examples at {@code indices}, gathered into new arrays with a leading axis of {@code
     * indices.length}, one per column. Indices may repeat and come in any order.
     *
     * @throws DataException if an index is outside {@code [0, size())}
     * @param indices the example indices, each in {@code [0, size())}
     * @return the batch's arrays by column name
     */
    Map<String, NdArray> batch(int[] indices);

    /**
     * The examples at {@code indices}, copied into an in-memory data set.
     *
     * @param indices the example indices, each in {@code [0, size())}
     * @return a new data set of those examples
     */
    default ArrayDataset subset(int[] indices) {
        return new ArrayDataset(batch(indices));
    }

    /**
     * Splits the examples into a train part of {@code trainCount} and a test part of the rest, by
     * the fixed permutation {@code Permutations.of(size(), seed, Permutations.SPLIT_STREAM)}: the
     * first {@code trainCount} examples of the permutation train, the others test. The same seed
     * always gives the same split.
     *
     * @param trainCount the number of training examples, in {@code (0, size())}
     * @param seed the seed of the permutation
     * @return the two parts
     */
    default Split split(int trainCount, long seed) {
        if (trainCount <= 0 || trainCount >= size()) {
            throw new DataException("a split needs a train count between 1 and " + (size() - 1) + " (the data set has "
                    + size() + " examples), found " + trainCount);
        }
        int[] p = Permutations.of(size(), seed, Permutations.SPLIT_STREAM);
        return new Split(
                subset(Arrays.copyOfRange(p, 0, trainCount)), subset(Arrays.copyOfRange(p, trainCount, p.length)));
    }

    /**
     * The two parts of a {@link #split}.
     *
     * @param train the training part
     * @param test the test part, the examples not in {@code train}
     */
    record Split(Dataset train, Dataset test) {}
}
