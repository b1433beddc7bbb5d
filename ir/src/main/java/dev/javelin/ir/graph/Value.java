package dev.javelin.ir.graph;

import dev.javelin.ir.type.TensorType;

/** A handle on a node being built: its name and type. */
public record Value(String name, TensorType type) {}
