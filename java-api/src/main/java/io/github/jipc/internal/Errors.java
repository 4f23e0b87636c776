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
     * @param call   the call that failed
     * @param object what it was applied to (a path, "pipe read end (fd 7)")
     */
    public static IOException exception(long result, Call call, String object) {
        return exception(result, call, object, 0L);
    }

    /** Same, with the call's main argument (a size, a count) for the call's hint. */
    public static IOException exception(long result, Call call, String object, long arg) {
        return exception(result, call, object, call.hint((int) -result, arg));
    }

    /**
     * Same, for a call on a named object: on EACCES the message also says the
     * object's mode and owner, who this process runs as and what to do.
     */
    public static IOException exception(long result, Call call, String object, long arg, Access.Owner owner) {
        int err = (int) -result;
        String hint = call.hint(err, arg);
        if (err == Errno.EACCES && owner != null) {
            hint = (hint == null ? "" : hint + "; ") + owner.describe();
        }
        return exception(result, call, object, hint);
    }

    /** Same, with a hint of the caller's own instead of the call's (what was expected, what is missing). */
    public static IOException exception(long result, Call call, String object, String hint) {
        int err = (int) -result;
        String name = Errno.name(err);
        if (hint == null && (err == Errno.EMFILE || err == Errno.ENFILE)) {
            hint = "the " + (err == Errno.EMFILE ? "process's open file limit (ulimit -n, " + Limits.openFiles() + ")"
                    : "system's file limit (fs.file-max)") + " is reached; close unused handles or raise the limit";
        }
        String reason = call.callName() + ": " + name + " (" + Errno.description(err) + ")"
                + (hint == null ? "" : ": " + hint) + "; see " + call.manPage();
        if (err == Errno.ENOENT) {
            return new NoSuchFileException(object, null, reason);
        }
        if (err == Errno.EEXIST) {
            return new FileAlreadyExistsException(object, null, reason);
        }
        if (err == Errno.EACCES || err == Errno.EPERM) {
            return new AccessDeniedException(object, null, reason);
        }
        return new IpcException(err, name, call.callName(), object, reason);
    }
}
