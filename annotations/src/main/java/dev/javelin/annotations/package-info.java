/**
 * The annotations a model's own code depends on to be compiled ahead of time by Javelin's
 * annotation processor ({@code javelin-processor} on the processor path). JDK only.
 */
package dev.javelin.annotations;
