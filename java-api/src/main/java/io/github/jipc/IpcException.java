package io.github.jipc;

import java.io.IOException;

/**
 * A system call failed and no more specific JDK exception fits.
 *
 * <p>The message reads {@code object: call: ENAME (description): hint; see manpage(n)}, e.g.
 * {@code pipe write end (fd 9): write: EPIPE (Broken pipe): no process has the read end open any more; see write(2)}.
 */
public class IpcException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The errno value. */
    private final int errno;
    /** The errno symbol. */
    private final String errnoName;
    /** The failed operation. */
    private final String call;
    /** What the operation was applied to. */
    private final String object;

    /**
     * Made by jipc when a call fails; applications catch it.
     *
     * @param errno     the errno value
     * @param errnoName its symbol, e.g. {@code "EPIPE"}
     * @param call      the failed operation, e.g. {@code "write"}
     * @param object    what it was applied to
     * @param reason    the full explanation
     */
    public IpcException(int errno, String errnoName, String call, String object, String reason) {
        super(object + ": " + reason);
        this.errno = errno;
        this.errnoName = errnoName;
        this.call = call;
        this.object = object;
    }

    /** {@return the errno value} It differs between platforms; prefer {@link #errnoName()}. */
    public int errno() {
        return errno;
    }

    /** {@return the errno symbol, e.g. {@code "EPIPE"}} */
    public String errnoName() {
        return errnoName;
    }

    /** {@return the failed operation, as in its man page, e.g. {@code "write"}} */
    public String call() {
        return call;
    }

    /**
     * {@return what the operation was applied to: a path, or a description
     * such as {@code "pipe read end (fd 7)"}}
     */
    public String object() {
        return object;
    }
}
