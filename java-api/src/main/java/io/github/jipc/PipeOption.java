package io.github.jipc;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** Options for opening pipe and FIFO ends. */
public enum PipeOption {
    /**
     * The end starts in non-blocking mode: reads return 0 when nothing is
     * there, writes write what fits, and opening a FIFO's write end with no
     * reader fails at once instead of waiting.
     */
    NON_BLOCKING;

    /** The options given to call as a set; every element checked before anything is opened. */
    static Set<PipeOption> of(PipeOption[] options, String call) {
        Objects.requireNonNull(options, () -> "options of " + call + " must not be null");
        Set<PipeOption> set = EnumSet.noneOf(PipeOption.class);
        for (int i = 0; i < options.length; i++) {
            int index = i;
            set.add(Objects.requireNonNull(options[i],
                    () -> "options[" + index + "] of " + call + " must not be null (pass no option for the defaults)"));
        }
        return set;
    }
}
