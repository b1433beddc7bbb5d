/**
 * Training language models on real text: a corpus ({@link dev.javelin.llm.train.BrownCorpus}) tokenized
 * once into a memory-mapped token file ({@link dev.javelin.llm.train.TokenFile}), windows of it as a
 * data set ({@link dev.javelin.llm.train.TokenWindows}) and a causal language model with its
 * next-token loss as a training model ({@link dev.javelin.llm.train.LmTraining}).
 */
package dev.javelin.llm.train;
