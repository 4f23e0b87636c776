package io.github.jipc;

import io.github.jipc.internal.Errno;

/**
 * How a child process ended: it exited with a code, or a signal killed it
 * (possibly dumping core). See waitid(2).
 */
public final class ExitStatus {
    private final boolean exited;
    private final int value;
    private final boolean coreDumped;

    ExitStatus(boolean exited, int value, boolean coreDumped) {
        this.exited = exited;
        this.value = value;
        this.coreDumped = coreDumped;
    }

    /** {@return true if the child called exit(3) or returned from main} */
    public boolean exited() {
        return exited;
    }

    /** {@return true if a signal ended the child} */
    public boolean signaled() {
        return !exited;
    }

    /**
     * The exit code.
     *
     * @return the code the child exited with, 0 to 255
     * @throws IllegalStateException if a signal ended the child
     */
    public int exitCode() {
        if (!exited) {
            throw new IllegalStateException("the child did not exit, it was " + this);
        }
        return value;
    }

    /**
     * The number of the signal that ended the child, see signal(7);
     * {@link #toString()} names it.
     *
     * @return the signal number
     * @throws IllegalStateException if the child exited
     */
    public int signal() {
        if (exited) {
            throw new IllegalStateException("no signal ended the child, it " + this);
        }
        return value;
    }

    /** {@return true if the child was killed by a signal and dumped core, see core(5)} */
    public boolean coreDumped() {
        return coreDumped;
    }

    /** {@return true if the child exited with code 0} */
    public boolean isSuccess() {
        return exited && value == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitStatus s && s.exited == exited && s.value == value && s.coreDumped == coreDumped;
    }

    @Override
    public int hashCode() {
        return (exited ? 1 : 0) + 31 * value + (coreDumped ? 1024 : 0);
    }

    @Override
    public String toString() {
        return exited ? "exited with code " + value
                : "killed by " + Errno.signalName(value) + (coreDumped ? " (core dumped)" : "");
    }
}
