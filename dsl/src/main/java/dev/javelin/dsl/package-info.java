/**
 * The fluent model API users write: tensors, {@code nn} layers, losses, optimizers and seeded
 * initializers. It records plain Java calls as a graph of the {@code ir} module, so users write
 * ordinary code and get a graph anyway. Depends on {@code ir} only. (Code arrives with the DSL
 * issue.)
 */
package dev.javelin.dsl;
