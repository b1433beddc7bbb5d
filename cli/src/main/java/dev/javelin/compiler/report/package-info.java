/** Reports of training and benchmarking runs: TensorBoard event files. */
package dev.javelin.compiler.report;
