package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.jni.FileNative;

/** The system calls of {@link OpenFile}. */
enum FileCall implements Call {
    OPEN("open", "open(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == E.ELOOP) {
                return "it is a symbolic link and NOFOLLOW_LINKS was given, or its path has too many links in a row";
            }
            if (err == E.EISDIR) {
                return "a directory opens for reading only";
            }
            if (err == Errno.ENXIO) {
                return "no such device behind the file (a device without its driver, /dev/tty without a controlling"
                        + " terminal), or it is a Unix socket's file, which is reached with IpcSocket.connected";
            }
            return null;
        }
    },
    FSTAT("fstat", "fstat(2)"),
    SET_CLOEXEC("fcntl(F_SETFD)", "fcntl(2)");

    private final String name;
    private final String manPage;

    FileCall(String name, String manPage) {
        this.name = name;
        this.manPage = manPage;
    }

    @Override
    public String callName() {
        return name;
    }

    @Override
    public String manPage() {
        return manPage;
    }

    private static final class E {
        static final int ELOOP = FileNative.ELOOP();
        static final int EISDIR = FileNative.EISDIR();
    }
}
