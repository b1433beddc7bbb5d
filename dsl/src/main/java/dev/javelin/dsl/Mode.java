package dev.javelin.dsl;

/** Whether a net is traced for training (dropout on, batch statistics) or evaluation. */
public enum Mode {
    /**
     * Training: dropout is active and batch norm uses and updates batch statistics.
     */
    TRAIN,
    /**
     * Evaluation (inference): dropout is the identity and batch norm uses its running statistics.
     */
    EVAL
}
