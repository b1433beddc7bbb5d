/**
 * Memory planning of a plan's arena: liveness over the kernel order and best-fit 256-byte-aligned
 * offsets ({@link dev.javelin.passes.memory.MemoryPlanner}), and the report's numbers ({@link
 * dev.javelin.passes.memory.MemoryNumbers}).
 */
package dev.javelin.passes.memory;
