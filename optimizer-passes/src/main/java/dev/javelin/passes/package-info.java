/**
 * The pass manager and the passes that turn a graph into a plan: simplification, fusion, layout,
 * scheduling and memory planning. One readable pipeline method; each pass states what it
 * guarantees and keeps counters. Depends on {@code ir} only. Today: {@code pipeline} (the pass
 * manager and the pipeline) and {@code simplify} (folding, identities as rules, CSE, DCE); see
 * {@code docs/passes.md}.
 */
package dev.javelin.passes;
