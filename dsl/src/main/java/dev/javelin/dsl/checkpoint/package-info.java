/**
 * Checkpoints: named tensors (model parameters such as {@code encoder.fc1.weight} and optimizer
 * state such as {@code adam.m.fc1.weight}) saved to and loaded from a folder of {@code .npy} files
 * or one {@code .safetensors} file, written atomically; and the check that a checkpoint fits a
 * model, which reports every mismatch at once.
 */
package dev.javelin.dsl.checkpoint;
