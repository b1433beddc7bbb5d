/**
 * A small JSON reader and writer, enough for the safetensors header and the MNIST package's digit
 * files, so that reading them needs no JSON dependency. Values map to plain Java: objects to
 * insertion-ordered maps, arrays to lists, integers to {@code Long}, other numbers to {@code Double}.
 */
package dev.javelin.dsl.json;
