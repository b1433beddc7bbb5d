/**
 * Training data: a data set is a set of named columns ({@link dev.javelin.ir.value.NdArray}s whose
 * leading axis indexes the examples), gathered into mini-batches by a {@link
 * dev.javelin.dsl.data.DataLoader} that shuffles with a seed and prepares the next batch on a
 * background thread. Also the loaders of data on disk: a folder of {@code .npy} columns and MNIST.
 */
package dev.javelin.dsl.data;
