/**
 * Tokenizers for language models: {@link dev.javelin.llm.tokenizer.BpeTokenizer}, GPT-2's byte-level
 * byte-pair encoding, exact against Hugging Face's on arbitrary Unicode text (docs/llm.md).
 */
package dev.javelin.llm.tokenizer;
