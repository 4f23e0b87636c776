package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.IpcException;

/** What an EACCES message says about the object: mode, owner, who we are, what to do. */
class AccessTest {
    private enum TestCall implements Call {
        OPEN;

        @Override
        public String callName() {
            return "open";
        }

        @Override
        public String manPage() {
            return "open(2)";
        }
    }

    @TempDir
    Path tmp;

    private static String me() throws IOException {
        return Files.getOwner(Path.of("/proc/self")).getName();
    }

    @Test
    void aFileShowsItsModeAndOwner() throws Exception {
        Path f = Files.createFile(tmp.resolve("private"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        String d = Access.file(f).describe();
        assertTrue(d.startsWith(f + " has mode 0600 (rw-------), owner " + me() + " (uid "), d);
        assertTrue(d.contains("this process runs as " + me()) && d.contains("chmod"), d);
    }

    @Test
    void aPathThatCannotBeReadSaysSo() {
        String d = Access.file(tmp.resolve("absent")).describe();
        assertTrue(d.startsWith("the mode and owner of " + tmp.resolve("absent") + " cannot be read here"), d);
    }

    @Test
    void aSystemVObjectIsFoundByKeyOrId() throws Exception {
        // No such object: the key is not listed.
        assertTrue(Access.sysv("shm", 0x7ffffff1, true).describe().contains("no longer listed in /proc/sysvipc/shm"));
        assertTrue(Access.sysv("sem", -5, false).describe().contains("no longer listed in /proc/sysvipc/sem"));
    }

    @Test
    void aSystemVSegmentShowsItsModeAndOwner() throws Exception {
        io.github.jipc.SystemVSharedMemory shm = io.github.jipc.SystemVSharedMemory.create(io.github.jipc.SysVKey.PRIVATE,
                4096, PosixFilePermissions.fromString("rw-------"));
        try {
            String d = Access.sysv("shm", shm.id(), false).describe();
            assertTrue(d.startsWith("it (id " + shm.id() + ", key 0x00000000) has mode 0600 (rw-------), owner " + me()), d);
        } finally {
            shm.remove();
        }
    }

    @Test
    void onlyEaccesCarriesTheDescription() {
        IOException denied = Errors.exception(-Errno.EACCES, TestCall.OPEN, "/x", 0L, () -> "MODE-AND-OWNER");
        assertInstanceOf(AccessDeniedException.class, denied);
        assertTrue(denied.getMessage().contains("EACCES") && denied.getMessage().contains("MODE-AND-OWNER"), denied.getMessage());
        IOException other = Errors.exception(-Errno.EPIPE, TestCall.OPEN, "/x", 0L, () -> "MODE-AND-OWNER");
        assertInstanceOf(IpcException.class, other);
        assertTrue(!other.getMessage().contains("MODE-AND-OWNER"), other.getMessage());
    }
}
