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
    /** Calls as a family declares them. */
    private enum TestCall implements Call {
        OPEN, MKFIFO, FCNTL, PIPE2,
        WRITE {
            @Override
            public String hint(int err, long arg) {
                return err == Errno.EPIPE ? "no reader of " + arg + " bytes" : null;
            }
        };

        @Override
        public String callName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String manPage() {
            return callName() + "(2)";
        }
    }

    @Test
    void jdkExceptionTypesComeFirst() {
        assertInstanceOf(NoSuchFileException.class, Errors.exception(-Errno.ENOENT, TestCall.OPEN, "/x"));
        assertInstanceOf(FileAlreadyExistsException.class, Errors.exception(-Errno.EEXIST, TestCall.MKFIFO, "/x"));
        assertInstanceOf(AccessDeniedException.class, Errors.exception(-Errno.EACCES, TestCall.OPEN, "/x"));
        assertInstanceOf(AccessDeniedException.class, Errors.exception(-Errno.EPERM, TestCall.FCNTL, "/x"));
    }

    @Test
    void otherErrorsNameTheErrnoTheCallAndTheObject() {
        IOException e = Errors.exception(-Errno.EPIPE, TestCall.WRITE, "pipe write end (fd 4)", "no reader");
        IpcException ipc = assertInstanceOf(IpcException.class, e);
        assertEquals("EPIPE", ipc.errnoName());
        assertEquals(Errno.EPIPE, ipc.errno());
        assertEquals("write", ipc.call());
        assertEquals("pipe write end (fd 4): write: EPIPE (Broken pipe): no reader; see write(2)", e.getMessage());
        NoSuchFileException n = (NoSuchFileException) Errors.exception(-Errno.ENOENT, TestCall.OPEN, "/x");
        assertEquals("/x: open: ENOENT (No such file or directory); see open(2)", n.getMessage());
    }

    @Test
    void theCallKnowsWhatItsErrnoValuesMean() {
        assertEquals("x: write: EPIPE (Broken pipe): no reader of 42 bytes; see write(2)",
                Errors.exception(-Errno.EPIPE, TestCall.WRITE, "x", 42).getMessage());
        assertEquals("x: write: EBUSY (Device or resource busy); see write(2)",
                Errors.exception(-Errno.EBUSY, TestCall.WRITE, "x", 42).getMessage());
    }

    @Test
    void descriptorLimitsSayWhatToRaise() {
        assertTrue(Errors.exception(-Errno.EMFILE, TestCall.PIPE2, "pipe").getMessage().contains("ulimit -n"));
        assertTrue(Errors.exception(-Errno.ENFILE, TestCall.PIPE2, "pipe").getMessage().contains("fs.file-max"));
    }

    @Test
    void unknownErrnoValuesStillRead() {
        assertEquals("errno 9999", Errno.name(9999));
        assertEquals("SIGKILL", Errno.signalName(9));
        assertEquals("signal 999", Errno.signalName(999));
    }
}
