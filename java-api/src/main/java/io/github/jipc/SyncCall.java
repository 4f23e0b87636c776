package io.github.jipc;

import io.github.jipc.internal.Call;

/** The system calls of futexes, semaphores and mutexes in shared memory, with what their errors mean. */
enum SyncCall implements Call {
    FUTEX_WAIT("futex(FUTEX_WAIT_BITSET)", "futex(2)"),
    FUTEX_WAKE("futex(FUTEX_WAKE)", "futex(2)"),
    SEM_OPEN("sem_open", "sem_open(3)") {
        @Override
        public String hint(int err, long arg) {
            return err == io.github.jipc.internal.Errno.EINVAL
                    ? "a name is \"/name\" with no other '/', and the value at most SEM_VALUE_MAX" : null;
        }
    },
    SEM_CLOSE("sem_close", "sem_close(3)"),
    SEM_UNLINK("sem_unlink", "sem_unlink(3)"),
    SEM_INIT("sem_init", "sem_init(3)"),
    SEM_DESTROY("sem_destroy", "sem_destroy(3)"),
    SEM_WAIT("sem_wait", "sem_wait(3)"),
    SEM_CLOCKWAIT("sem_clockwait", "sem_wait(3)"),
    SEM_POST("sem_post", "sem_post(3)") {
        @Override
        public String hint(int err, long arg) {
            return err == PosixSemaphore.EOVERFLOW ? "the value is at SEM_VALUE_MAX (" + PosixSemaphore.MAX_VALUE
                    + "): released more often than acquired" : null;
        }
    },
    SEM_GETVALUE("sem_getvalue", "sem_getvalue(3)");

    private final String name;
    private final String manPage;

    SyncCall(String name, String manPage) {
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
}
