package io.github.jipc;

/** Options of {@link RecordLocks#open(java.nio.file.Path, LockOption...)} and {@link RecordLocks#of(Inheritable, LockOption...)}. */
public enum LockOption {
    /**
     * Classic process-associated locks (fcntl(2) {@code F_SETLK}, {@code F_SETLKW},
     * {@code F_GETLK}) instead of open-file-description locks. They belong to
     * the process, not the handle: the process never conflicts with itself,
     * and closing <em>any</em> descriptor of the file in the process (another
     * handle, a {@link java.io.FileInputStream}, a {@link java.nio.channels.FileChannel})
     * silently releases every one of its locks on that file. Use them only to
     * cooperate with programs that use classic locks (or {@code lockf(3)}).
     */
    PROCESS_ASSOCIATED,
    /** Opens the file read-only: shared locks only (an exclusive one fails with EBADF). */
    READ_ONLY,
    /** Creates the file (mode 0666 less the umask) if it does not exist. */
    CREATE
}
