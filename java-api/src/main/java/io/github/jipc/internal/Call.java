package io.github.jipc.internal;

/**
 * A system call as jipc reports it when it fails. Each family of facilities
 * lists its calls in one enum implementing this, so that the call's man page
 * and the meaning of its errno values (which kernel limit ENOSPC or EINVAL
 * stands for, say) live beside the call and not in string matching.
 */
public interface Call {
    /** {@return the call as its man page names it, e.g. {@code "fcntl(F_SETPIPE_SZ)"}} */
    String callName();

    /** {@return the man page that documents it, e.g. {@code "fcntl(2)"}} */
    String manPage();

    /**
     * What the user can do about errno {@code err}: the limit hit, its current
     * value and how to raise it, or the peer that is missing.
     *
     * @param err the errno value
     * @param arg the call's main argument (a size, a count), or 0
     * @return the hint, or null when there is nothing specific to say
     */
    default String hint(int err, long arg) {
        return null;
    }
}
