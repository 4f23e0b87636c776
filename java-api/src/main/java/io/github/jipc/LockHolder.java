package io.github.jipc;

/**
 * A lock that conflicts with the one asked about, as fcntl(2) {@code F_GETLK}
 * reports it (see {@link RecordLocks#holder}).
 */
public final class LockHolder {
    private final long position;
    private final long length;
    private final boolean shared;
    private final int pid;

    LockHolder(long position, long length, boolean shared, int pid) {
        this.position = position;
        this.length = length;
        this.shared = shared;
        this.pid = pid;
    }

    /** {@return the conflicting lock's first byte} */
    public long position() {
        return position;
    }

    /** {@return its length; {@link RecordLocks#TO_END} when it runs to the end of the file} */
    public long length() {
        return length;
    }

    /** {@return true if it is a shared lock, false if exclusive} */
    public boolean isShared() {
        return shared;
    }

    /**
     * The process holding it, for a classic lock. An open-file-description
     * lock belongs to no process (a description may be shared by several),
     * so the kernel reports -1 for it.
     *
     * @return the holder's pid, or -1 for an open-file-description lock
     */
    public int pid() {
        return pid;
    }

    /** {@return true if it is an open-file-description lock (no pid)} */
    public boolean isOpenFileDescriptionLock() {
        return pid == -1;
    }

    @Override
    public String toString() {
        return (shared ? "shared" : "exclusive") + " lock [" + position + ", "
                + (length == RecordLocks.TO_END ? "end" : "+" + length) + ")"
                + (pid == -1 ? " (open file description)" : " of pid " + pid);
    }
}
