package io.github.jipc;

import java.io.IOException;

import io.github.jipc.internal.Errors;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.PipeNative;

/**
 * An unnamed pipe (pipe(2)): a one-way byte stream between a {@link #sink()}
 * that writes and a {@link #source()} that reads, for related processes.
 *
 * <p>To talk to a child process, hand it one end with
 * {@link Subprocess.Builder#inherit(Inheritable, int)}; that end is closed in
 * this process once the child started, so that end-of-stream and EPIPE
 * work as in the classic {@code fork}/{@code close} pattern:
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open()) {
 *     Subprocess child = Subprocess.builder("my-writer", "--fd", "3")
 *             .inherit(pipe.sink(), 3).start();   // the child holds the only write end now
 *     ByteBuffer buf = ByteBuffer.allocateDirect(4096);
 *     while (pipe.source().read(buf.clear()) >= 0) { ... }
 * }
 * }</pre>
 *
 * <p>Both descriptors are close-on-exec; a child gets an end only when it is
 * handed over explicitly.
 */
public final class Pipe implements AutoCloseable {
    private final PipeSource source;
    private final PipeSink sink;

    private Pipe(PipeSource source, PipeSink sink) {
        this.source = source;
        this.sink = sink;
    }

    /**
     * Creates a pipe. Both descriptors are close-on-exec.
     *
     * @param options {@link PipeOption#NON_BLOCKING} to start both ends in non-blocking mode
     * @return the pipe, both ends open
     * @throws IpcException EMFILE/ENFILE when the descriptor limit is reached
     * @see <a href="https://man7.org/linux/man-pages/man2/pipe.2.html">pipe(2)</a>
     */
    public static Pipe open(PipeOption... options) throws IOException {
        boolean blocking = !PipeOption.of(options, "Pipe.open").contains(PipeOption.NON_BLOCKING);
        NativeLibrary.ensureAvailable();
        int[] fds = new int[2];
        int r = PipeNative.jipc_pipe_create(fds);
        if (r < 0) {
            throw Errors.exception(r, PipeCall.PIPE2, "pipe");
        }
        PipeSource source;
        try {
            source = new PipeSource(fds[0], "pipe read end", blocking, true);
        } catch (IOException | RuntimeException e) {
            CommonNative.jipc_close(fds[1]);
            throw e;
        }
        try {
            return new Pipe(source, new PipeSink(fds[1], "pipe write end", blocking, true));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** {@return the read end} */
    public PipeSource source() {
        return source;
    }

    /** {@return the write end} */
    public PipeSink sink() {
        return sink;
    }

    /** Closes both ends (each end can also be closed on its own). Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            sink.close();
        } finally {
            source.close();
        }
    }

    @Override
    public String toString() {
        return "Pipe[" + source + ", " + sink + "]";
    }
}
