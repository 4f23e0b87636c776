package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.Modes;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.FutexNative;
import io.github.jipc.internal.jni.SysvSemNative;

/**
 * A System V semaphore set (semget(2), semop(2), semctl(2)): n counters
 * under one key, changed by {@link #op(SemOp...)} calls whose operations
 * apply atomically, all or none (for example: take semaphore 0 and give
 * semaphore 1 in one step).
 *
 * <p><b>No create-then-init race.</b> semget(2) makes a set whose values are
 * undefined until someone sets them. {@link #create} and {@link #createExclusive}
 * create with {@code IPC_EXCL}, set every value ({@code SETALL}), then make one
 * semop(2) that changes no value (+1 then -1 on semaphore 0) so that the
 * set's {@code sem_otime} becomes non-zero: "initialized". A process that
 * opens the set ({@link #open}, or {@link #create} finding it made) calls
 * {@link #awaitInitialized(Duration)}, which waits until {@code sem_otime} is
 * set. A C program follows the same steps (see {@code jipc_sysv_sem.h}).
 *
 * <p><b>When a holder dies.</b> An operation made with {@link SemOp#undo()}
 * ({@code SEM_UNDO}) is reverted by the kernel when the process exits, SIGKILL
 * included: a killed holder's acquire is given back. Operations without it
 * stay, as for a POSIX semaphore.
 *
 * <p>The set lasts until {@link #remove()} (called before {@link #close()}; a
 * closed handle removes nothing, but {@link #ofId(int)} reaches the set again);
 * closing this handle only wakes its waiting threads ({@link AsynchronousCloseException}), as does
 * {@link Thread#interrupt()} ({@link java.nio.channels.ClosedByInterruptException};
 * the handle is closed). Removing the set wakes every waiter of every process
 * with EIDRM.
 */
public final class SystemVSemaphores extends GuardedChannel {
    private static final int UNDO = SysvSemNative.JIPC_SEM_UNDO();
    private static final int NOWAIT = SysvSemNative.JIPC_SEM_NOWAIT();
    private static final int ETIMEDOUT = FutexNative.ETIMEDOUT();
    private static final int EIDRM = SysvSemNative.EIDRM();

    private final int id;
    private final int count;
    private final FdHandle handle;
    private final String description;
    /** Set once {@link #remove()} succeeded here: the errors that follow then say who removed the set. */
    private volatile boolean removed;

    private SystemVSemaphores(int id, int count, String description) throws IOException {
        this.id = id;
        this.count = count;
        this.description = description;
        this.handle = FdHandle.guardOnly(this, FdHandle.Wake.SIGNAL, description);
    }

    /**
     * Opens the set of key, creating and initializing it if there is none (see
     * the class comment). If it existed, its values are whatever they are:
     * call {@link #awaitInitialized(Duration)} before using it.
     *
     * @param key         the key, or {@link SysVKey#PRIVATE} for a new set only its id reaches
     * @param permissions the mode of a set created
     * @param values      one initial value per semaphore, each 0 to 32767 (SEMVMX)
     * @return the set
     * @throws java.nio.file.AccessDeniedException EACCES: it exists and its mode denies this process
     * @throws IpcException ENOSPC (SEMMNI or SEMMNS reached; the message names kernel.sem), EINVAL
     *         (more than SEMMSL semaphores, or the existing set has fewer), ERANGE
     * @throws IllegalArgumentException if no value is given or one is out of range
     */
    public static SystemVSemaphores create(SysVKey key, Set<PosixFilePermission> permissions, int... values)
            throws IOException {
        return make(key, permissions, false, values);
    }

    /**
     * Creates and initializes the set of key; fails if the key has one.
     *
     * @param key         the key, or {@link SysVKey#PRIVATE}
     * @param permissions its mode
     * @param values      one initial value per semaphore, each 0 to 32767
     * @return the set, initialized
     * @throws java.nio.file.FileAlreadyExistsException EEXIST: the key has a set
     * @throws IpcException ENOSPC, EINVAL, as {@link #create} says
     * @throws IllegalArgumentException if no value is given or one is out of range
     */
    public static SystemVSemaphores createExclusive(SysVKey key, Set<PosixFilePermission> permissions, int... values)
            throws IOException {
        return make(key, permissions, true, values);
    }

    private static void checkValues(int... values) {
        for (int v : values) {
            if (v < 0 || v > Short.MAX_VALUE) {
                throw new IllegalArgumentException("a System V semaphore value is 0 to 32767 (SEMVMX), got " + v);
            }
        }
    }

    private static SystemVSemaphores make(SysVKey key, Set<PosixFilePermission> permissions, boolean exclusive,
            int... values) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(key, "key");
        int mode = Modes.toMode(permissions);
        if (values.length < 1) {
            throw new IllegalArgumentException("a set has at least one semaphore: give its initial value");
        }
        checkValues(values);
        int[] created = new int[1];
        int id = SysvSemNative.jipc_sysv_sem_create(key.value(), values.length, mode, exclusive ? 1 : 0, values, created);
        if (id < 0) {
            throw Errors.exception(id, SyncCall.SEMGET, key.toString(), values.length, Access.sysv("sem", key.value(), true));
        }
        return adopt(id, key.toString());
    }

    /**
     * Opens the existing set of key (semget(2) without {@code IPC_CREAT}).
     * Call {@link #awaitInitialized(Duration)} before using a set that
     * another process may still be creating.
     *
     * @param key the key, not {@link SysVKey#PRIVATE}
     * @return the set
     * @throws java.nio.file.NoSuchFileException   ENOENT: the key has no set
     * @throws java.nio.file.AccessDeniedException EACCES: its mode denies this process
     * @throws IllegalArgumentException if key is {@link SysVKey#PRIVATE} (use {@link #ofId(int)})
     */
    public static SystemVSemaphores open(SysVKey key) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(key, "key");
        if (key.isPrivate()) {
            throw new IllegalArgumentException("IPC_PRIVATE names no existing set: open it by id (ofId)");
        }
        int id = SysvSemNative.jipc_sysv_sem_open(key.value());
        if (id < 0) {
            throw Errors.exception(id, SyncCall.SEMGET, key.toString(), 0L, Access.sysv("sem", key.value(), true));
        }
        return adopt(id, key.toString());
    }

    /**
     * The set with this id, as another process reported it (semget(2)'s
     * result, or ipcs(1)'s semid): how a process reaches a
     * {@link SysVKey#PRIVATE} set it did not create. The set is looked up
     * at once (semctl(2) {@code IPC_STAT}) for its number of semaphores.
     *
     * @param id the set's id
     * @return the set
     * @throws java.nio.file.AccessDeniedException EACCES: its mode denies this process
     * @throws IpcException EINVAL, EIDRM: no set has this id (any more); the message says so and that
     *         {@code ipcs -s} lists the sets
     * @throws IllegalArgumentException if id is negative
     */
    public static SystemVSemaphores ofId(int id) throws IOException {
        NativeLibrary.ensureAvailable();
        if (id < 0) {
            throw new IllegalArgumentException("a semaphore set id is >= 0, got " + id);
        }
        return adopt(id, "id " + id);
    }

    private static SystemVSemaphores adopt(int id, String key) throws IOException {
        long[] st = new long[8];
        int r = SysvSemNative.jipc_sysv_sem_stat(id, st);
        if (r < 0) {
            throw Errors.exception(r, SyncCall.SEMCTL_STAT, "System V semaphore set " + id + " (" + key + ")", 0L,
                    Access.sysv("sem", id, false));
        }
        return new SystemVSemaphores(id, (int) st[0], "System V semaphore set " + id + " (" + key + ")");
    }

    /** {@return the set's id, as ipcs(1) shows it} */
    public int id() {
        return id;
    }

    /** {@return how many semaphores the set has} */
    public int count() {
        return count;
    }

    /**
     * Waits until the set's creator has initialized it (its {@code sem_otime}
     * is non-zero, see the class comment). Returns at once for a set in use.
     *
     * @param timeout how long to wait at most
     * @return true when initialized, false if the timeout passed (a set some
     *         other program made without a semop yet stays "uninitialized")
     * @throws IpcException               EIDRM, EINVAL: the set was removed
     * @throws AsynchronousCloseException if this handle was closed meanwhile
     * @throws ClosedChannelException     if this handle is closed
     */
    public boolean awaitInitialized(Duration timeout) throws IOException {
        long nanos = Futex.nanos(timeout);
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        int r;
        try {
            begin();
            r = SysvSemNative.jipc_sysv_sem_await_init(handle.guard(), id, nanos);
        } finally {
            handle.release();
        }
        boolean woken = r == -Errno.WOKEN;
        end(!woken);
        if (woken) {
            throw new AsynchronousCloseException();
        }
        if (r == -ETIMEDOUT) {
            return false;
        }
        if (r < 0) {
            throw failure(r, SyncCall.SEMCTL_STAT, 0L);
        }
        return true;
    }

    /**
     * Applies the operations atomically, waiting until all of them can be
     * (semop(2)).
     *
     * @param ops one or more operations, on semaphores of this set
     * @throws IpcException               EIDRM, EINVAL (the set was removed), ERANGE (above 32767),
     *                                    E2BIG (more than SEMOPM operations), EAGAIN (an operation with
     *                                    {@link SemOp#noWait()} would wait), EFBIG (the id names another,
     *                                    smaller set now)
     * @throws IndexOutOfBoundsException  if an operation names a semaphore outside 0 .. {@link #count()} - 1
     * @throws AsynchronousCloseException if this handle was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     */
    public void op(SemOp... ops) throws IOException {
        int r = apply(-1, ops);
        if (r < 0) {
            throw failure(r, SyncCall.SEMOP, count);
        }
    }

    /**
     * Applies the operations atomically if none has to wait now (every
     * operation with {@code IPC_NOWAIT}).
     *
     * @param ops one or more operations
     * @return true if applied, false if one would have waited (nothing changed)
     * @throws IpcException           EIDRM, EINVAL, ERANGE, E2BIG, EFBIG, as {@link #op} says
     * @throws IndexOutOfBoundsException if an operation names a semaphore outside 0 .. {@link #count()} - 1
     * @throws ClosedChannelException if this handle is closed
     */
    public boolean tryOp(SemOp... ops) throws IOException {
        return tryOp(Duration.ZERO, ops);
    }

    /**
     * Applies the operations atomically, waiting at most timeout (semtimedop(2)).
     *
     * @param timeout how long to wait at most; zero or negative does not wait
     * @param ops     one or more operations
     * @return true if applied, false if the timeout passed (nothing changed)
     * @throws IpcException               EIDRM, EINVAL, ERANGE, E2BIG, EFBIG, as {@link #op} says
     * @throws IndexOutOfBoundsException  if an operation names a semaphore outside 0 .. {@link #count()} - 1
     * @throws AsynchronousCloseException if this handle was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     */
    public boolean tryOp(Duration timeout, SemOp... ops) throws IOException {
        int r = apply(Futex.nanos(timeout), ops);
        if (r == -Errno.EAGAIN) {
            return false;
        }
        if (r < 0) {
            throw failure(r, SyncCall.SEMTIMEDOP, count);
        }
        return true;
    }

    private int apply(long timeoutNanos, SemOp... ops) throws IOException {
        if (ops.length == 0) {
            throw new IllegalArgumentException("no operation");
        }
        short[] packed = new short[3 * ops.length];
        for (int i = 0; i < ops.length; i++) {
            SemOp o = Objects.requireNonNull(ops[i], "operation");
            checkIndex(o.semaphore());
            packed[3 * i] = o.num;
            packed[3 * i + 1] = o.delta;
            packed[3 * i + 2] = (short) ((o.undo ? UNDO : 0) | (o.noWait ? NOWAIT : 0));
        }
        return guarded(handle, timeoutNanos != 0,
                guard -> SysvSemNative.jipc_sysv_sem_op(guard, id, packed, ops.length, timeoutNanos));
    }

    /**
     * The value of semaphore num (semctl(2) {@code GETVAL}).
     *
     * @param num the semaphore's index
     * @return its value
     * @throws IpcException           EINVAL, EIDRM (the set was removed)
     * @throws IndexOutOfBoundsException unless {@code 0 <= num < count()}
     * @throws ClosedChannelException if this handle is closed
     */
    public int get(int num) throws IOException {
        return (int) ctl(Ctl.GET, num, 0, null);
    }

    /**
     * Sets semaphore num (semctl(2) {@code SETVAL}); clears its undo adjustments in every process.
     *
     * @param num   the semaphore's index
     * @param value 0 to 32767
     * @throws IpcException           EINVAL, EIDRM (the set was removed)
     * @throws java.nio.file.AccessDeniedException EACCES: no write permission
     * @throws IndexOutOfBoundsException unless {@code 0 <= num < count()}
     * @throws IllegalArgumentException if value is not 0 to 32767 (SEMVMX)
     * @throws ClosedChannelException if this handle is closed
     */
    public void set(int num, int value) throws IOException {
        checkValues(value);
        ctl(Ctl.SET, num, value, null);
    }

    /**
     * Every value (semctl(2) {@code GETALL}).
     *
     * @return one value per semaphore
     * @throws IpcException           EINVAL, EIDRM (the set was removed)
     * @throws ClosedChannelException if this handle is closed
     */
    public int[] getAll() throws IOException {
        int[] v = new int[count];
        ctl(Ctl.GET_ALL, 0, 0, v);
        return v;
    }

    /**
     * Sets every value (semctl(2) {@code SETALL}).
     *
     * @param values one per semaphore, each 0 to 32767
     * @throws IpcException             EINVAL, EIDRM (the set was removed)
     * @throws IllegalArgumentException if not exactly {@link #count()} values are given, or one is not 0 to
     *                                  32767 (SEMVMX)
     * @throws ClosedChannelException   if this handle is closed
     */
    public void setAll(int... values) throws IOException {
        if (values.length != count) {
            throw new IllegalArgumentException("the set has " + count + " semaphores, got " + values.length + " values");
        }
        checkValues(values);
        ctl(Ctl.SET_ALL, 0, 0, values.clone());
    }

    /**
     * How many threads wait for semaphore num to increase (semctl(2) {@code GETNCNT}).
     *
     * @param num the semaphore's index
     * @return the count
     * @throws IpcException           EINVAL, EIDRM (the set was removed)
     * @throws IndexOutOfBoundsException unless {@code 0 <= num < count()}
     * @throws ClosedChannelException if this handle is closed
     */
    public int waitingToTake(int num) throws IOException {
        return (int) ctl(Ctl.NCNT, num, 0, null);
    }

    /**
     * How many threads wait for semaphore num to become 0 (semctl(2) {@code GETZCNT}).
     *
     * @param num the semaphore's index
     * @return the count
     * @throws IpcException           EINVAL, EIDRM (the set was removed)
     * @throws IndexOutOfBoundsException unless {@code 0 <= num < count()}
     * @throws ClosedChannelException if this handle is closed
     */
    public int waitingForZero(int num) throws IOException {
        return (int) ctl(Ctl.ZCNT, num, 0, null);
    }

    /**
     * The process that last operated on semaphore num (semctl(2) {@code GETPID}).
     *
     * @param num the semaphore's index
     * @return its pid, 0 if none yet
     * @throws IpcException           EINVAL, EIDRM (the set was removed)
     * @throws IndexOutOfBoundsException unless {@code 0 <= num < count()}
     * @throws ClosedChannelException if this handle is closed
     */
    public int lastPid(int num) throws IOException {
        return (int) ctl(Ctl.PID, num, 0, null);
    }

    /**
     * The set's permissions (semctl(2) {@code IPC_STAT}).
     *
     * @return the mode as permissions
     * @throws IpcException           EINVAL (the set was removed)
     * @throws ClosedChannelException if this handle is closed
     */
    public Set<PosixFilePermission> permissions() throws IOException {
        return Modes.fromMode(stat()[1]);
    }

    /**
     * When a semop(2) last changed the set ({@code sem_otime}).
     *
     * @return the time, or null if none did yet (an uninitialized set, see the class comment)
     * @throws IpcException           EINVAL (the set was removed)
     * @throws ClosedChannelException if this handle is closed
     */
    public Instant lastOpTime() throws IOException {
        long t = stat()[6];
        return t == 0 ? null : Instant.ofEpochSecond(t);
    }

    /**
     * The owner's user id ({@code sem_perm.uid}).
     *
     * @return the uid
     * @throws IpcException           EINVAL (the set was removed)
     * @throws ClosedChannelException if this handle is closed
     */
    public long ownerUid() throws IOException {
        return stat()[2];
    }

    private long[] stat() throws IOException {
        long[] st = new long[8];
        ctl(Ctl.STAT, 0, 0, st);
        return st;
    }

    /**
     * Sets the permissions (semctl(2) {@code IPC_SET}).
     *
     * @param permissions the new mode
     * @throws java.nio.file.AccessDeniedException EPERM: not the owner or creator
     * @throws ClosedChannelException if this handle is closed
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        ctl(Ctl.CHMOD, Modes.toMode(permissions), 0, null);
    }

    /**
     * Removes the set (semctl(2) {@code IPC_RMID}) at once: every waiter, in
     * every process, fails with EIDRM. This handle stays open (and useless) until closed:
     * its calls then fail with EINVAL, and their message says this handle removed the set.
     *
     * @throws java.nio.file.AccessDeniedException EPERM: not the owner or creator
     * @throws IpcException           EINVAL: removed already (the message says whether by this handle)
     * @throws ClosedChannelException if this handle is closed
     */
    public void remove() throws IOException {
        ctl(Ctl.REMOVE, 0, 0, null);
    }

    private enum Ctl { GET, SET, GET_ALL, SET_ALL, NCNT, ZCNT, PID, STAT, CHMOD, REMOVE }

    private long ctl(Ctl op, int num, int value, Object out) throws IOException {
        if (op == Ctl.GET || op == Ctl.SET || op == Ctl.NCNT || op == Ctl.ZCNT || op == Ctl.PID) {
            checkIndex(num);
        }
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        long r;
        try {
            int[] w = new int[3];
            r = switch (op) {
                case GET -> SysvSemNative.jipc_sysv_sem_get(id, num);
                case SET -> SysvSemNative.jipc_sysv_sem_set(id, num, value);
                case GET_ALL -> SysvSemNative.jipc_sysv_sem_get_all(id, (int[]) out, count);
                case SET_ALL -> SysvSemNative.jipc_sysv_sem_set_all(id, (int[]) out, count);
                case NCNT, ZCNT, PID -> {
                    int e = SysvSemNative.jipc_sysv_sem_waiters(id, num, w);
                    yield e < 0 ? e : w[op == Ctl.PID ? 0 : op == Ctl.NCNT ? 1 : 2];
                }
                case STAT -> SysvSemNative.jipc_sysv_sem_stat(id, (long[]) out);
                case CHMOD -> SysvSemNative.jipc_sysv_sem_chmod(id, num);
                case REMOVE -> SysvSemNative.jipc_sysv_sem_remove(id);
            };
        } finally {
            handle.release();
        }
        if (r < 0) {
            SyncCall call = switch (op) {
                case GET, GET_ALL, NCNT, ZCNT, PID -> SyncCall.SEMCTL_GET;
                case SET, SET_ALL -> SyncCall.SEMCTL_SET;
                case STAT -> SyncCall.SEMCTL_STAT;
                case CHMOD -> SyncCall.SEMCTL_SETPERM;
                case REMOVE -> SyncCall.SEMCTL_RMID;
            };
            throw failure(r, call, 0L);
        }
        if (op == Ctl.REMOVE) {
            removed = true;
        }
        return r;
    }

    private void checkIndex(int num) {
        if (num < 0 || num >= count) {
            throw new IndexOutOfBoundsException("semaphore " + num + " is not in " + description + ", which has "
                    + (count == 1 ? "1 semaphore, number 0" : count + " semaphores, numbers 0 to " + (count - 1)));
        }
    }

    /** The exception for a failed call; once this handle removed the set, one that says so. */
    private IOException failure(long r, SyncCall call, long arg) {
        if (removed && (r == -Errno.EINVAL || r == -EIDRM)) {
            return Errors.exception(r, call, description,
                    "this handle removed the set (remove()): it is gone for every process; close the handle");
        }
        return Errors.exception(r, call, description, arg, Access.sysv("sem", id, false));
    }

    /** Wakes this handle's waiting threads; the set stays. */
    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return description + " of " + count + (isOpen() ? "" : " (closed)");
    }
}
