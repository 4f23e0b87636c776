package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Limits;

/** The system calls of pipes and FIFO ends, with what their errors mean. */
enum PipeCall implements Call {
    PIPE2("pipe2", "pipe(2)"),
    READ("read", "read(2)"),
    READV("readv", "readv(2)"),
    WRITE("write", "write(2)"),
    WRITEV("writev", "writev(2)"),
    GET_CAPACITY("fcntl(F_GETPIPE_SZ)", "fcntl(2)"),
    SET_CAPACITY("fcntl(F_SETPIPE_SZ)", "fcntl(2)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == Errno.EPERM) {
                return bytes + " bytes exceeds /proc/sys/fs/pipe-max-size (" + Limits.sysctl("/proc/sys/fs/pipe-max-size")
                        + ") or the user's /proc/sys/fs/pipe-user-pages-hard, and the process lacks CAP_SYS_RESOURCE;"
                        + " raise fs.pipe-max-size with sysctl";
            }
            if (err == Errno.EBUSY) {
                return "the pipe holds more data than " + bytes + " bytes; drain it first";
            }
            return null;
        }
    },
    AVAILABLE("ioctl(FIONREAD)", "ioctl(2)"),
    FSTAT("fstat", "fstat(2)"),
    FCNTL("fcntl", "fcntl(2)"),
    REOPEN("open(/proc/self/fd)", "proc(5)");

    private final String name;
    private final String manPage;

    PipeCall(String name, String manPage) {
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

    @Override
    public String hint(int err, long arg) {
        return err == Errno.EPIPE ? "no process has the read end open any more" : null;
    }
}
