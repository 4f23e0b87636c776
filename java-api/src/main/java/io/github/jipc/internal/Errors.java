package io.github.jipc.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

import io.github.jipc.IpcException;

/** The one place where a shim's {@code -errno} result becomes an exception. */
public final class Errors {
    private Errors() {}

    /**
     * The exception for a failed call.
     *
     * @param result the shim's negative result, {@code -errno}
     * @param call   the operation, as in its man page ("mkfifo")
     * @param object what it was applied to (a path, "pipe read end (fd 7)")
     */
    public static IOException exception(long result, String call, String object) {
        return exception(result, call, object, null);
    }

    /** Same, with a hint appended that tells the user what to do (a limit to raise, a peer missing). */
    public static IOException exception(long result, String call, String object, String hint) {
        int err = (int) -result;
        String name = Errno.name(err);
        String reason = call + ": " + name + " (" + Errno.description(err) + ")" + (hint == null ? "" : ": " + hint);
        if (err == Errno.ENOENT) {
            return new NoSuchFileException(object, null, reason);
        }
        if (err == Errno.EEXIST) {
            return new FileAlreadyExistsException(object, null, reason);
        }
        if (err == Errno.EACCES || err == Errno.EPERM) {
            return new AccessDeniedException(object, null, reason);
        }
        if (err == Errno.EMFILE || err == Errno.ENFILE) {
            reason += ": the " + (err == Errno.EMFILE ? "process's open file limit (ulimit -n)" : "system's file limit (fs.file-max)")
                    + " is reached; close unused handles or raise the limit";
        }
        return new IpcException(err, name, call, object, reason);
    }
}
