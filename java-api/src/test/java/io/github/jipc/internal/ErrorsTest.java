package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

import org.junit.jupiter.api.Test;

import io.github.jipc.IpcException;

class ErrorsTest {
    @Test
    void jdkExceptionTypesComeFirst() {
        assertInstanceOf(NoSuchFileException.class, Errors.exception(-Errno.ENOENT, "open", "/x"));
        assertInstanceOf(FileAlreadyExistsException.class, Errors.exception(-Errno.EEXIST, "mkfifo", "/x"));
        assertInstanceOf(AccessDeniedException.class, Errors.exception(-Errno.EACCES, "open", "/x"));
        assertInstanceOf(AccessDeniedException.class, Errors.exception(-Errno.EPERM, "fcntl", "/x"));
    }

    @Test
    void otherErrorsNameTheErrnoTheCallAndTheObject() {
        IOException e = Errors.exception(-Errno.EPIPE, "write", "pipe write end (fd 4)", "no reader");
        IpcException ipc = assertInstanceOf(IpcException.class, e);
        assertEquals("EPIPE", ipc.errnoName());
        assertEquals(Errno.EPIPE, ipc.errno());
        assertEquals("pipe write end (fd 4): write: EPIPE (Broken pipe): no reader", e.getMessage());
        NoSuchFileException n = (NoSuchFileException) Errors.exception(-Errno.ENOENT, "open", "/x");
        assertEquals("/x: open: ENOENT (No such file or directory)", n.getMessage());
    }

    @Test
    void descriptorLimitsSayWhatToRaise() {
        assertTrue(Errors.exception(-Errno.EMFILE, "pipe2", "pipe").getMessage().contains("ulimit -n"));
        assertTrue(Errors.exception(-Errno.ENFILE, "pipe2", "pipe").getMessage().contains("fs.file-max"));
    }

    @Test
    void unknownErrnoValuesStillRead() {
        assertEquals("errno 9999", Errno.name(9999));
        assertEquals("SIGKILL", Errno.signalName(9));
        assertEquals("signal 999", Errno.signalName(999));
    }
}
