/**
 * Llama-style decoders ({@code LlamaForCausalLM}): {@link dev.javelin.llm.llama.Llama} in the DSL,
 * its {@link dev.javelin.llm.llama.LlamaConfig}, and {@link dev.javelin.llm.llama.LlamaCheckpoint}
 * for Hugging Face folders (docs/llm.md).
 */
package dev.javelin.llm.llama;
