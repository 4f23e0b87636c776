package io.github.jipc;

/**
 * How memory is mapped into this process, see mmap(2). Which options a
 * factory accepts is stated on it; others are refused with
 * {@link IllegalArgumentException}.
 */
public enum MapOption {
    /** Map for reading only ({@code PROT_READ}); writes through the region throw. Default: read and write. */
    READ_ONLY,
    /**
     * Copy-on-write ({@code MAP_PRIVATE}): this process's writes stay private
     * and never reach the file or other processes. Default: shared ({@code MAP_SHARED}).
     */
    PRIVATE,
    /** Fault every page in now ({@code MAP_POPULATE}), so that first accesses do not wait for the kernel. */
    POPULATE,
    /**
     * Lock the pages in memory (mlock(2)), for latency-sensitive work. Limited
     * by {@code RLIMIT_MEMLOCK} ({@code ulimit -l}) unless the process has
     * {@code CAP_IPC_LOCK}.
     */
    LOCK,
    /** {@link MappedFile} only: create the file if it does not exist (mode 0666 less the umask, as open(2)). */
    CREATE
}
