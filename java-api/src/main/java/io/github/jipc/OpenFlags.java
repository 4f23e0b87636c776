package io.github.jipc;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.jni.FileNative;

/** {@link java.nio.channels.FileChannel#open}'s options as open(2) flags, for {@link OpenFile}. */
final class OpenFlags {
    private static final Set<OpenOption> SUPPORTED = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, StandardOpenOption.CREATE, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC, StandardOpenOption.DSYNC,
            StandardOpenOption.SPARSE, LinkOption.NOFOLLOW_LINKS);
    /** Options that have no meaning for a file open already, refused by {@link OpenFile#openChannel}. */
    private static final Set<OpenOption> NOT_FOR_REOPEN = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.DELETE_ON_CLOSE, LinkOption.NOFOLLOW_LINKS);

    private OpenFlags() {}

    /** open(2)'s flags for options, checked as FileChannel.open checks them. */
    static int of(Set<OpenOption> options) {
        for (OpenOption o : options) {
            if (!SUPPORTED.contains(Objects.requireNonNull(o, "option"))) {
                throw new UnsupportedOperationException(o + " is not an option of OpenFile.open (READ, WRITE, APPEND,"
                        + " CREATE, CREATE_NEW, TRUNCATE_EXISTING, SYNC, DSYNC, SPARSE, NOFOLLOW_LINKS)");
            }
        }
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean read = options.contains(StandardOpenOption.READ);
        boolean write = append || options.contains(StandardOpenOption.WRITE);
        if (append && read) {
            throw new IllegalArgumentException("READ + APPEND not allowed: a file opened to append is written only");
        }
        if (append && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed: appending keeps what is there");
        }
        int flags = !write ? FileNative.O_RDONLY() : read ? FileNative.O_RDWR() : FileNative.O_WRONLY();
        if (write) { // as FileChannel.open: creating and truncating are for writers only
            if (append) {
                flags |= FileNative.O_APPEND();
            }
            if (options.contains(StandardOpenOption.CREATE_NEW)) {
                flags |= FileNative.O_CREAT() | FileNative.O_EXCL();
            } else if (options.contains(StandardOpenOption.CREATE)) {
                flags |= FileNative.O_CREAT();
            }
            if (options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
                flags |= FileNative.O_TRUNC();
            }
        }
        if (options.contains(StandardOpenOption.SYNC)) {
            flags |= FileNative.O_SYNC();
        } else if (options.contains(StandardOpenOption.DSYNC)) {
            flags |= FileNative.O_DSYNC();
        }
        if (options.contains(LinkOption.NOFOLLOW_LINKS)) {
            flags |= FileNative.O_NOFOLLOW();
        }
        return flags;
    }

    /** Whether options ask to create the file where flags, opening it for reading only, do not (as FileChannel.open). */
    static boolean createIgnored(Set<OpenOption> options, int flags) {
        return (options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW))
                && (flags & FileNative.O_CREAT()) == 0;
    }

    /** Refuses the options that have no meaning for a file open already. */
    static void checkReopen(OpenOption... options) {
        for (OpenOption o : options) {
            if (NOT_FOR_REOPEN.contains(Objects.requireNonNull(o, "option"))) {
                throw new UnsupportedOperationException(o + " has no meaning for a file that is open already");
            }
        }
    }
}
