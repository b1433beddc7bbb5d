package dev.javelin.dsl;

/** Whether a net is traced for training (dropout on, batch statistics) or evaluation. */
public enum Mode {
    TRAIN,
    EVAL
}
