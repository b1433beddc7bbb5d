/**
 * Reference models, end-to-end and differential tests and benchmarks; the first user of the
 * annotation processor. (Models arrive with the DSL issue.)
 */
package dev.javelin.models;
