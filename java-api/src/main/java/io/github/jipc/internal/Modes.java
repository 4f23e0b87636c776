package io.github.jipc.internal;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** Permission sets as POSIX mode bits (the order of PosixFilePermission is that of the bits, 0400 first). */
public final class Modes {
    private Modes() {}

    public static int toMode(Set<PosixFilePermission> perms) {
        Objects.requireNonNull(perms, "permissions");
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 0400 >> Objects.requireNonNull(p, "permission").ordinal();
        }
        return mode;
    }

    /** The permissions of the low 9 mode bits. */
    public static Set<PosixFilePermission> fromMode(long mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (0400 >> p.ordinal())) != 0) {
                perms.add(p);
            }
        }
        return perms;
    }
}
