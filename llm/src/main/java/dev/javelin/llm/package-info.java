/**
 * Language models: {@link dev.javelin.llm.ModelFileException}, the error of a model folder that
 * cannot be used; the tokenizers and model builders live in the subpackages (docs/llm.md).
 */
package dev.javelin.llm;
