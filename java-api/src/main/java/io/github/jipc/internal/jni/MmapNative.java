package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_mmap.h}: mappings, msync, mlock and the safe unmap. */
@Platform(value = "linux", include = "jipc_mmap.h", link = "jipc", library = "jniJipc")
public final class MmapNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private MmapNative() {}

    @NoException public static native long jipc_page_size();
    @NoException public static native int jipc_mmap(int fd, long offset, long length, int kind, int options, @Cast("long*") long[] out);
    @NoException public static native int jipc_file_reserve(int fd, long offset, long length);
    @NoException public static native int jipc_mlock(@Cast("void*") long addr, long len);
    @NoException public static native int jipc_msync(@Cast("void*") long addr, long len, int sync);
    @NoException public static native int jipc_unmap_safe(@Cast("void*") long addr, long len);
    @NoException public static native int jipc_munmap(@Cast("void*") long addr, long len);
    /** memcpy from array[at]: the array is pinned (GetPrimitiveArrayCritical), not copied. */
    @NoException @CriticalRegion public static native void jipc_copy_in(@Cast("void*") long dst, @Const byte[] array, int at, int length);
    /** memcpy to array[at], pinned likewise. */
    @NoException @CriticalRegion public static native void jipc_copy_out(@Cast("const void*") long src, byte[] array, int at, int length);

    @MemberGetter public static native int JIPC_MAP_SHARED();
    @MemberGetter public static native int JIPC_MAP_PRIVATE();
    @MemberGetter public static native int JIPC_MAP_READ_ONLY();
    @MemberGetter public static native int JIPC_MAP_POPULATE();
    @MemberGetter public static native int JIPC_MAP_LOCK();

    @MemberGetter public static native int O_RDWR();
    @MemberGetter public static native int O_RDONLY();
    @MemberGetter public static native int O_CREAT();
    @MemberGetter public static native int O_EXCL();
    @MemberGetter public static native int O_NONBLOCK();

    @MemberGetter public static native int EFBIG();
    @MemberGetter public static native int ENODEV();
    @MemberGetter public static native int ESPIPE();
}
