package io.github.jipc;

/** Options for opening pipe and FIFO ends. */
public enum PipeOption {
    /**
     * The end starts in non-blocking mode: reads return 0 when nothing is
     * there, writes write what fits, and opening a FIFO's write end with no
     * reader fails at once instead of waiting.
     */
    NON_BLOCKING
}
