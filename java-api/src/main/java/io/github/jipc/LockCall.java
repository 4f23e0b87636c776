package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.jni.LockNative;

/** The system calls of record locks, with what their errors mean. */
enum LockCall implements Call {
    OPEN("open", "open(2)"),
    REOPEN("open(/proc/self/fd)", "proc(5)"),
    SETLK("fcntl(F_OFD_SETLK)", "fcntl(2)"),
    SETLKW("fcntl(F_OFD_SETLKW)", "fcntl(2)"),
    GETLK("fcntl(F_OFD_GETLK)", "fcntl(2)"),
    UNLOCK("fcntl(F_OFD_SETLK, F_UNLCK)", "fcntl(2)"),
    CLASSIC_SETLK("fcntl(F_SETLK)", "fcntl(2)"),
    CLASSIC_SETLKW("fcntl(F_SETLKW)", "fcntl(2)"),
    CLASSIC_GETLK("fcntl(F_GETLK)", "fcntl(2)"),
    CLASSIC_UNLOCK("fcntl(F_SETLK, F_UNLCK)", "fcntl(2)");

    private static final int EDEADLK = LockNative.EDEADLK();
    private static final int EBADF = LockNative.EBADF();

    private final String name;
    private final String manPage;

    LockCall(String name, String manPage) {
        this.name = name;
        this.manPage = manPage;
    }

    /** The call of the kind given: OFD or classic. */
    LockCall of(boolean classic) {
        if (!classic) {
            return this;
        }
        return switch (this) {
            case SETLK -> CLASSIC_SETLK;
            case SETLKW -> CLASSIC_SETLKW;
            case GETLK -> CLASSIC_GETLK;
            case UNLOCK -> CLASSIC_UNLOCK;
            default -> this;
        };
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
        if (err == EDEADLK) {
            return "waiting would deadlock: a process waiting for a lock of this process holds a lock it waits for";
        }
        if (err == EBADF) {
            return "a shared lock needs the file open for reading, an exclusive one for writing (opened READ_ONLY?)";
        }
        return null;
    }
}
