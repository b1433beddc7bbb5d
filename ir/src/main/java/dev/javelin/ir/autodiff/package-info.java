/**
 * Reverse-mode automatic differentiation as a graph transformation: {@link
 * dev.javelin.ir.autodiff.Autodiff#gradients} appends the gradient nodes to a graph builder. One rule
 * per primitive, in {@code Rules}' exhaustive switch over the sealed op set.
 */
package dev.javelin.ir.autodiff;
