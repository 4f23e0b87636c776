package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Limits;
import io.github.jipc.internal.jni.SysvSemNative;

/** The system calls of futexes, semaphores and mutexes in shared memory, with what their errors mean. */
enum SyncCall implements Call {
    FUTEX_WAIT("futex(FUTEX_WAIT_BITSET)", "futex(2)"),
    FUTEX_WAKE("futex(FUTEX_WAKE)", "futex(2)"),
    RING_READ("message ring read", "jipc_ring.h"),
    RING_CONSUMER("message ring consumer", "jipc_ring.h") {
        @Override
        public String hint(int err, long pid) {
            return "the ring's consumer role is held by pid " + pid + ", which runs; one consumer at a time";
        }
    },
    RING_PRODUCER("message ring producer", "jipc_ring.h") {
        @Override
        public String hint(int err, long slots) {
            return "a multi-producer ring holds " + slots + " producer handles at once, and all its slots are"
                    + " held by running processes; close a producer first";
        }
    },
    SEM_OPEN("sem_open", "sem_open(3)") {
        @Override
        public String hint(int err, long arg) {
            return err == Errno.EINVAL
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
    SEM_GETVALUE("sem_getvalue", "sem_getvalue(3)") {
        @Override
        public String hint(int err, long arg) {
            return err == Errno.EINVAL ? "its bytes hold no semaphore (a negative value): the memory was not"
                    + " initialized with PosixSemaphore.init or sem_init(3), or was overwritten" : null;
        }
    },
    SEMGET("semget", "semget(2)") {
        @Override
        public String hint(int err, long n) {
            String limits = "kernel.sem is \"" + Limits.sysctl("/proc/sys/kernel/sem").trim().replaceAll("\\s+", " ")
                    + "\" (SEMMSL semaphores per set, SEMMNS in all, SEMOPM operations per semop, SEMMNI sets)";
            if (err == SysvSemNative.ENOSPC()) {
                return "the system's limit of sets (SEMMNI) or of semaphores (SEMMNS) is reached: " + limits
                        + "; remove unused sets (ipcrm -s) or raise it with sysctl";
            }
            if (err == Errno.EINVAL) {
                return "either " + n + " semaphores is above SEMMSL (" + limits + ") or the set of this key has fewer";
            }
            return null;
        }
    },
    /** arg: the number of semaphores the set had when the handle reached it. */
    SEMOP("semop", "semop(2)") {
        @Override
        public String hint(int err, long n) {
            return semopHint(err, n);
        }
    },
    /** arg: as for {@link #SEMOP}. */
    SEMTIMEDOP("semtimedop", "semop(2)") {
        @Override
        public String hint(int err, long n) {
            return semopHint(err, n);
        }
    },
    SEMCTL_GET("semctl(GETVAL/GETALL)", "semctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return setGoneHint(err);
        }
    },
    SEMCTL_SET("semctl(SETVAL/SETALL)", "semctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == SysvSemNative.ERANGE() ? "a value is 0 to SEMVMX (32767)" : setGoneHint(err);
        }
    },
    SEMCTL_STAT("semctl(IPC_STAT)", "semctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return setGoneHint(err);
        }
    },
    SEMCTL_SETPERM("semctl(IPC_SET)", "semctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return setGoneHint(err);
        }
    },
    SEMCTL_RMID("semctl(IPC_RMID)", "semctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return setGoneHint(err);
        }
    },
    MUTEX_INIT("pthread_mutex_init", "pthread_mutex_init(3)"),
    MUTEX_LOCK("pthread_mutex_lock", "pthread_mutex_lock(3)") {
        @Override
        public String hint(int err, long arg) {
            if (err == io.github.jipc.internal.jni.MutexNative.ENOTRECOVERABLE()) {
                return "an owner died holding the mutex and the next owner unlocked it without markConsistent():"
                        + " it can never be locked again; destroy() it and init() a new one";
            }
            return null;
        }
    },
    MUTEX_CONSISTENT("pthread_mutex_consistent", "pthread_mutex_consistent(3)"),
    MUTEX_DESTROY("pthread_mutex_destroy", "pthread_mutex_destroy(3)"),
    COND_INIT("pthread_cond_init", "pthread_cond_init(3)"),
    COND_WAIT("pthread_cond_timedwait", "pthread_cond_wait(3)"),
    COND_SIGNAL("pthread_cond_signal", "pthread_cond_signal(3)"),
    COND_DESTROY("pthread_cond_destroy", "pthread_cond_destroy(3)");

    /** What EINVAL means once the arguments are checked: the id names no set (any more). */
    static final String NO_SET = "no semaphore set has this id (it was removed, or never existed); ipcs -s lists them";

    /** EINVAL and EIDRM of a call on a set whose arguments were checked: the set is gone. */
    static String setGoneHint(int err) {
        if (err == Errno.EINVAL) {
            return NO_SET;
        }
        return err == SysvSemNative.EIDRM() ? "the set was removed" : null;
    }

    static String semopHint(int err, long n) {
        if (err == Errno.EINVAL || err == SysvSemNative.EIDRM()) {
            return setGoneHint(err);
        }
        if (err == SysvSemNative.EFBIG()) {
            return "a semaphore number is past the end of the set this id names, though within the " + n
                    + " semaphores the set had when this handle reached it: the set changed under us (it was removed"
                    + " and the id names another, smaller set now); reach the set again (open or ofId)";
        }
        if (err == SysvSemNative.ERANGE()) {
            return "a value would pass SEMVMX (32767), or an undo adjustment its bound";
        }
        if (err == SysvSemNative.E2BIG()) {
            return "more operations than SEMOPM in one call (kernel.sem's third field: "
                    + Limits.sysctl("/proc/sys/kernel/sem").trim().replaceAll("\\s+", " ") + ")";
        }
        if (err == Errno.EAGAIN) {
            return "an operation marked noWait() would have had to wait, so none was done; tryOp returns false"
                    + " instead of throwing";
        }
        return null;
    }

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
