package io.github.jipc;

/**
 * A jipc handle whose descriptor a child process can inherit, see
 * {@link Subprocess.Builder#inherit(Inheritable, int)}. Only jipc's own
 * classes implement it.
 */
public sealed interface Inheritable permits PipeEnd, SharedMemory, MemoryFile, MessageQueue {
    /** {@return true while the handle is open} */
    boolean isOpen();
}
