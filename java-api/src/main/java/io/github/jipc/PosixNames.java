package io.github.jipc;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The one check of a POSIX IPC name (mq_overview(7), shm_overview(7),
 * sem_overview(7)): "/name" or "name", one component, not "." or "..", at
 * most a number of bytes after the '/'.
 */
final class PosixNames {
    private PosixNames() {}

    /**
     * "/name" for name, or an IllegalArgumentException that says what is wrong.
     *
     * @param kind      what the name names, e.g. "message queue"
     * @param maxBytes  the most bytes after the '/', or 0 for no limit checked here
     * @param dots      what "." and ".." are instead, e.g. "name the queue directory and its parent, never a queue"
     * @param note      said after the rule, or ""
     */
    static String check(String name, String kind, int maxBytes, String dots, String note) {
        Objects.requireNonNull(name, "name");
        String n = name.startsWith("/") ? name : "/" + name;
        int bytes = n.getBytes(StandardCharsets.UTF_8).length - 1;
        String rule = "a " + kind + " name is \"/name\" with no other '/'"
                + (maxBytes > 0 ? " and 1 to " + maxBytes + " bytes after the '/'" : "") + ", and not \"/.\" or \"/..\""
                + note;
        if (n.equals("/.") || n.equals("/..")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid " + kind + " name: \".\" and \"..\" "
                    + dots + " (" + rule + ")");
        }
        boolean tooLong = maxBytes > 0 && bytes > maxBytes;
        if (n.length() == 1 || n.indexOf('/', 1) >= 0 || tooLong) {
            throw new IllegalArgumentException(rule + ", got \"" + name + "\""
                    + (tooLong ? " (" + bytes + " bytes after the '/')" : ""));
        }
        return n;
    }
}
