/**
 * The pass manager and the passes that turn a graph into a plan: simplification, fusion, layout,
 * scheduling and memory planning. One readable pipeline method; each pass states what it
 * guarantees and keeps counters. Depends on {@code ir} only. (Code arrives with the passes issue.)
 */
package dev.javelin.passes;
