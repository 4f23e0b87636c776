package io.github.jipc.cli;

/**
 * Permission bits given as a number (the {@code perms} column of
 * {@code /proc/sysvipc}) written as ls(1) and
 * {@link java.nio.file.attribute.PosixFilePermissions#toString} write a set of
 * permissions ("rw-r-----"), so that every mode jipc ls shows reads alike.
 * The command's one place for this: the java-api's own conversion is internal
 * to its module, and no public call gives the mode of an object known only by
 * its line in {@code /proc/sysvipc} (System V message queues have no jipc
 * handle, and the others would need an IPC_STAT the caller may be refused).
 */
final class ModeText {
    private static final String ALL = "rwxrwxrwx";

    private ModeText() {}

    /** {@return the low 9 bits of mode as "rwxrwxrwx" with '-' for each bit not set (0640: "rw-r-----")} */
    static String of(int mode) {
        char[] c = ALL.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if ((mode & (0400 >> i)) == 0) {
                c[i] = '-';
            }
        }
        return new String(c);
    }
}
