package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;

/** The system calls of event counters and readiness sets. */
enum EventFdCall implements Call {
    EVENTFD("eventfd", "eventfd(2)"),
    READ("read", "eventfd(2)"),
    WRITE("write", "eventfd(2)"),
    READLINK("readlink(/proc/self/fd)", "proc(5)"),
    FCNTL("fcntl", "fcntl(2)"),
    EPOLL_CREATE("epoll_create1", "epoll_create(2)"),
    EPOLL_CTL("epoll_ctl", "epoll_ctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == Errno.EPERM ? "this kind of file has no readiness for epoll to wait on (a device such as"
                    + " /dev/null, which is always ready): read or write it at once" : null;
        }
    },
    EPOLL_WAIT("epoll_wait", "epoll_wait(2)");

    private final String name;
    private final String manPage;

    EventFdCall(String name, String manPage) {
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
        return null;
    }
}
