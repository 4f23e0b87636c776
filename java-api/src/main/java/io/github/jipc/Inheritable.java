package io.github.jipc;

/**
 * A jipc handle whose descriptor a child process can inherit, see
 * {@link Subprocess.Builder#inherit(Inheritable, int)}. Only jipc's own
 * classes implement it. A Unix socket passes any of them to another process
 * too, see {@link IpcSocket#send(java.nio.ByteBuffer, Inheritable...)}.
 */
public sealed interface Inheritable permits PipeEnd, SharedMemory, MemoryFile, MessageQueue, IpcSocket, EventFd,
        OpenFile {
    /** {@return true while the handle is open} */
    boolean isOpen();
}
