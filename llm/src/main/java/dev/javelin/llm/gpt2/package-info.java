/**
 * GPT-2 ({@code GPT2LMHeadModel}): {@link dev.javelin.llm.gpt2.Gpt2} in the DSL, its {@link
 * dev.javelin.llm.gpt2.Gpt2Config}, and {@link dev.javelin.llm.gpt2.Gpt2Checkpoint} for Hugging Face
 * folders (docs/llm.md).
 */
package dev.javelin.llm.gpt2;
