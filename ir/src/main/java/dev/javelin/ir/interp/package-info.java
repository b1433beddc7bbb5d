/**
 * The reference interpreter: runs a graph on host {@link dev.javelin.ir.value.NdArray}s in float64
 * with exact integers. It defines what every primitive computes, edge cases included, and every
 * backend is tested against it. Entry point: {@link dev.javelin.ir.interp.Interpreter#run}.
 */
package dev.javelin.ir.interp;
