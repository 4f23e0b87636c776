package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_file.h}: open files of any kind, their reads and writes, and the open(2) flags jipc passes. */
@Platform(value = "linux", include = "jipc_file.h", link = "jipc", library = "jniJipc")
public final class FileNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private FileNative() {}

    @NoException public static native int jipc_file_stat(int fd, @Cast("long*") long[] out);
    @NoException public static native long jipc_file_device(@Cast("const char*") byte[] path);
    @NoException public static native int jipc_file_open(@Cast("const char*") byte[] path, int flags, int mode,
            @Cast("long*") long[] out);
    @NoException public static native long jipc_file_read(int fd, @Cast("jipc_guard*") long guard, @Cast("void*") long buf, long len);
    @NoException public static native long jipc_file_write(int fd, @Cast("jipc_guard*") long guard, @Cast("const void*") long buf,
            long len);

    @MemberGetter public static native int JIPC_FILE_OTHER();
    @MemberGetter public static native int JIPC_FILE_REGULAR();
    @MemberGetter public static native int JIPC_FILE_DIRECTORY();
    @MemberGetter public static native int JIPC_FILE_CHARACTER_DEVICE();
    @MemberGetter public static native int JIPC_FILE_BLOCK_DEVICE();
    @MemberGetter public static native int JIPC_FILE_FIFO();
    @MemberGetter public static native int JIPC_FILE_SOCKET();
    @MemberGetter public static native int JIPC_FILE_SYMBOLIC_LINK();
    @MemberGetter public static native int JIPC_FILE_STAT_KIND();
    @MemberGetter public static native int JIPC_FILE_STAT_SIZE();
    @MemberGetter public static native int JIPC_FILE_STAT_ACCESS();
    @MemberGetter public static native int JIPC_FILE_STAT_DEVICE();
    @MemberGetter public static native int JIPC_FILE_STAT_LENGTH();
    @MemberGetter public static native int JIPC_FILE_READABLE();
    @MemberGetter public static native int JIPC_FILE_WRITABLE();

    @MemberGetter public static native int O_RDONLY();
    @MemberGetter public static native int O_WRONLY();
    @MemberGetter public static native int O_RDWR();
    @MemberGetter public static native int O_APPEND();
    @MemberGetter public static native int O_CREAT();
    @MemberGetter public static native int O_EXCL();
    @MemberGetter public static native int O_TRUNC();
    @MemberGetter public static native int O_NOFOLLOW();
    @MemberGetter public static native int O_SYNC();
    @MemberGetter public static native int O_DSYNC();
    @MemberGetter public static native int O_CLOEXEC();

    @MemberGetter public static native int ELOOP();
    @MemberGetter public static native int EISDIR();
}
