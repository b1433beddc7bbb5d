/**
 * JSON for the safetensors header, the MNIST package's digit files, settings and reports, read and
 * written with Jackson's streaming API. Values map to plain Java: objects to insertion-ordered maps,
 * arrays to lists, integers to {@code Long}, other numbers to {@code Double}.
 */
package dev.javelin.dsl.json;
