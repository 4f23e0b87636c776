package io.github.jipc;

import java.io.IOException;
import java.nio.file.Path;

import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.SysvShmNative;

/**
 * The key that names a System V IPC object (see sysvipc(7)): an explicit
 * number all parties agree on, {@link #PRIVATE} for a new object only its id
 * reaches, or one derived from a file with {@link #ftok(Path, int)}.
 */
public final class SysVKey {
    /** {@code IPC_PRIVATE}: always a new object, which other processes reach only by its id. */
    public static final SysVKey PRIVATE = new SysVKey(privateValue());

    private final int value;

    private SysVKey(int value) {
        this.value = value;
    }

    private static int privateValue() {
        NativeLibrary.ensureAvailable();
        return SysvShmNative.IPC_PRIVATE();
    }

    /**
     * An explicit key.
     *
     * @param value the key_t value, as a C program would pass to shmget(2)
     * @return the key
     * @throws IllegalArgumentException if value is {@code IPC_PRIVATE} (use {@link #PRIVATE})
     */
    public static SysVKey of(int value) {
        if (value == PRIVATE.value) {
            throw new IllegalArgumentException("key " + value + " is IPC_PRIVATE: use SysVKey.PRIVATE");
        }
        return new SysVKey(value);
    }

    /**
     * The key ftok(3) derives from an existing file and a project id, as a C
     * program calling {@code ftok(path, projectId)} gets.
     *
     * <p><b>Collisions:</b> the key is built from only the low 8 bits of the
     * project id, the low 8 bits of the file system's device number and the
     * low 16 bits of the file's inode number. Two different files can give the
     * same key (inodes 65 536 apart, or on devices whose numbers share their
     * low byte), and a file deleted and created again usually gets another
     * inode and so another key. Prefer an explicit key or {@link #PRIVATE}
     * with the id handed over, or {@link SystemVSharedMemory#createExclusive}
     * to notice a collision.
     *
     * @param path      an existing file all parties can see
     * @param projectId only its low 8 bits count, and they must not all be 0
     * @return the key
     * @throws java.nio.file.NoSuchFileException if path does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if a folder on the way is not searchable (EACCES)
     * @throws IllegalArgumentException if the low 8 bits of projectId are 0, or path contains a NUL
     * @throws IOException if stat(2) fails otherwise
     */
    public static SysVKey ftok(Path path, int projectId) throws IOException {
        NativeLibrary.ensureAvailable();
        if ((projectId & 0xff) == 0) {
            throw new IllegalArgumentException("the low 8 bits of the project id must not be 0, got " + projectId);
        }
        int[] key = new int[1];
        int r = SysvShmNative.jipc_sysv_shm_ftok(CStrings.of(path), projectId, key);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.FTOK, path.toString());
        }
        return new SysVKey(key[0]);
    }

    /** {@return the key_t value} */
    public int value() {
        return value;
    }

    /** {@return true for {@link #PRIVATE}} */
    public boolean isPrivate() {
        return value == PRIVATE.value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SysVKey k && k.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    /** {@return "IPC_PRIVATE" or the key in hexadecimal, as ipcs(1) shows it} */
    @Override
    public String toString() {
        return isPrivate() ? "IPC_PRIVATE" : String.format("0x%08x", value);
    }
}
