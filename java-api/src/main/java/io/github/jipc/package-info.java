/**
 * Linux inter-process communication for the JVM: the kernel's IPC facilities
 * that the JDK leaves out, as NIO-style channels and handles over the same
 * system calls a C program makes, so that a JVM talks to another JVM or to a
 * plain C program alike.
 *
 * <h2>Facilities</h2>
 * <ul>
 *   <li>{@link io.github.jipc.Pipe}: an unnamed pipe, a {@link io.github.jipc.PipeSource}
 *       and a {@link io.github.jipc.PipeSink}; see pipe(7), pipe(2).</li>
 *   <li>{@link io.github.jipc.Fifo}: a named pipe in the file system, whose
 *       ends are the same two channel types; see fifo(7), mkfifo(3).</li>
 *   <li>{@link io.github.jipc.Subprocess}: a child process started with
 *       posix_spawn(3) that inherits chosen handles at chosen descriptor
 *       numbers ({@link io.github.jipc.Subprocess.Builder#inherit}), tracked
 *       through a pidfd (pidfd_open(2)) and reaped as soon as it exits;
 *       {@link io.github.jipc.ExitStatus} tells how it ended. Its standard
 *       streams can be inherited, files, jipc pipe ends, or new pipes
 *       ({@code Redirect.PIPE}) read and written through
 *       {@link io.github.jipc.Subprocess#stdout()} and its siblings. A child JVM adopts its descriptors again with
 *       {@link io.github.jipc.PipeSource#inherited(int)} and
 *       {@link io.github.jipc.PipeSink#inherited(int)}.</li>
 *   <li>Shared memory, each kind mapped into one {@link io.github.jipc.SharedRegion}
 *       (offsets, bounds checks, volatile and atomic accesses, a safe close):
 *       {@link io.github.jipc.SystemVSharedMemory} (shmget(2), keys as
 *       {@link io.github.jipc.SysVKey}), {@link io.github.jipc.SharedMemory}
 *       (shm_open(3)), {@link io.github.jipc.MemoryFile} (memfd_create(2), with
 *       {@link io.github.jipc.Seal}s) and {@link io.github.jipc.MappedFile}
 *       (windows of files, mmap(2)); options are {@link io.github.jipc.MapOption}s.
 *       POSIX objects and memory files reach a child through
 *       {@link io.github.jipc.Subprocess.Builder#inherit}.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A failed system call throws a checked {@link java.io.IOException}: the JDK's
 * type where one fits ({@link java.nio.file.NoSuchFileException} for ENOENT,
 * {@link java.nio.file.FileAlreadyExistsException} for EEXIST,
 * {@link java.nio.file.AccessDeniedException} for EACCES and EPERM), else an
 * {@link io.github.jipc.IpcException} carrying the errno name, the call and
 * the object. EAGAIN is a result, not an error: non-blocking reads and writes
 * return 0. Caller mistakes are unchecked ({@link java.lang.NullPointerException},
 * {@link java.lang.IllegalArgumentException}, {@link java.lang.IllegalStateException});
 * an operation on a closed channel throws {@link java.nio.channels.ClosedChannelException}.
 * Writing to a pipe without readers throws an {@link io.github.jipc.IpcException}
 * EPIPE; the SIGPIPE that comes with it never kills the JVM.
 *
 * <h2>Blocking and closing</h2>
 * Channels start in blocking mode unless opened with
 * {@link io.github.jipc.PipeOption#NON_BLOCKING}; a blocking call waits in the
 * kernel as a C program's would. {@link java.nio.channels.Channel#close()}
 * from another thread wakes a blocked call
 * ({@link java.nio.channels.AsynchronousCloseException}), and so does
 * {@link java.lang.Thread#interrupt()}
 * ({@link java.nio.channels.ClosedByInterruptException}, the channel is closed).
 * Every handle that holds a descriptor is {@link java.lang.AutoCloseable};
 * close is idempotent and thread-safe. The descriptors of a handle that
 * becomes unreachable unclosed are closed by a {@link java.lang.ref.Cleaner}. Opening a FIFO never hangs the JVM: see {@link io.github.jipc.Fifo}.
 * Every descriptor is close-on-exec: a child process gets only what is handed
 * to it explicitly.
 *
 * <h2>Native library</h2>
 * jipc's JNI library loads by itself on first use, from the classifier jar of
 * this platform on the class path (or the file the system property
 * {@code jipc.library} names); nothing needs initializing. When it cannot
 * load, every factory throws {@link java.lang.UnsatisfiedLinkError} naming the
 * platform, every place tried and the dependency to add;
 * {@link io.github.jipc.Jipc} tells whether it is usable, and why not. Java 22
 * and newer want {@code --enable-native-access=ALL-UNNAMED} (or
 * {@code io.github.jipc} on the module path) to load it without a warning.
 * jipc needs glibc 2.34 or newer, and Linux 5.4 or newer for
 * {@link io.github.jipc.Subprocess}.
 */
package io.github.jipc;
