package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_spawn.h}: child processes that inherit chosen descriptors. */
@Platform(value = "linux", include = "jipc_spawn.h", link = "jipc", library = "jniJipc")
public final class SpawnNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private SpawnNative() {}

    @MemberGetter public static native int ENOTDIR();
    @MemberGetter public static native int ENOEXEC();
    @NoException public static native int jipc_spawn(@Cast("const char*") byte[] program,
            @Cast("const char*") byte[] args, int argc, @Cast("const char*") byte[] env, int envc,
            @Cast("const char*") byte[] cwd, @Cast("const int*") int[] fdMap, int nmap, int[] out);
    @NoException public static native int jipc_spawn_wait(int pidfd, int timeoutMs, int[] status);
    @NoException public static native int jipc_spawn_exited(int pidfd);
    @NoException public static native int jipc_spawn_signal(int pidfd, int sig);

    @MemberGetter public static native int JIPC_CHILD_EXITED();
    @MemberGetter public static native int JIPC_CHILD_KILLED();
    @MemberGetter public static native int JIPC_CHILD_DUMPED();

    @MemberGetter public static native int O_RDONLY();
    @MemberGetter public static native int O_WRONLY();
    @MemberGetter public static native int O_CREAT();
    @MemberGetter public static native int O_TRUNC();
    @MemberGetter public static native int O_APPEND();

    @MemberGetter public static native int SIGKILL();
    @MemberGetter public static native int SIGTERM();
}
