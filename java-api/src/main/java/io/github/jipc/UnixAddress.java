package io.github.jipc;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

import io.github.jipc.internal.CStrings;

/**
 * The address of a Unix-domain socket (unix(7)): a path in the file system,
 * a name in the abstract namespace (Linux; no file, gone with the last socket
 * bound to it, not subject to file permissions), or unnamed (a socket pair,
 * an unbound client).
 *
 * <p>A path holds at most {@link #MAX_PATH_BYTES} bytes of UTF-8 (the size of
 * {@code sun_path} less its NUL); an abstract name as many (after the NUL
 * that marks it abstract, which the kernel counts in place of the path's
 * terminating one), and no NUL. A socket file stays after its socket closes: remove it with
 * {@link java.nio.file.Files#deleteIfExists(Path)}.
 */
public final class UnixAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;
    /** The most bytes a path may have: {@code sizeof(sun_path) - 1}, read from native code. */
    public static final int MAX_PATH_BYTES = Sockaddrs.UN_PATH_SIZE - 1;
    private static final UnixAddress UNNAMED = new UnixAddress(null, false);

    /** The path, or the abstract name without its leading NUL; null when unnamed. */
    private final String name;
    private final boolean isAbstract;

    private UnixAddress(String name, boolean isAbstract) {
        this.name = name;
        this.isAbstract = isAbstract;
    }

    /**
     * The address of a socket file.
     *
     * @param path the file's path, at most {@link #MAX_PATH_BYTES} bytes of UTF-8
     * @return the address
     * @throws IllegalArgumentException if the path is empty, too long or contains a NUL
     */
    public static UnixAddress of(Path path) {
        String p = Objects.requireNonNull(path, "path").toString();
        check(p, MAX_PATH_BYTES, "path");
        return new UnixAddress(p, false);
    }

    /**
     * An address in the abstract namespace (unix(7)): no file is made, the
     * name vanishes with the last socket bound to it.
     *
     * <p>The kernel takes an abstract name as exactly the bytes its address
     * length covers. A C peer must give the same length jipc gives, covering
     * the name and no more: {@code offsetof(struct sockaddr_un, sun_path) + 1 +
     * strlen(name)}. One that passes {@code sizeof(struct sockaddr_un)} names
     * another socket, whose name ends in NUL bytes (jipc shows such a received
     * address with its padding counted, and can reply to it).
     *
     * @param name the name, 1 to {@link #MAX_PATH_BYTES} bytes of UTF-8, no NUL
     * @return the address
     * @throws IllegalArgumentException if the name is empty, too long, contains a NUL or a lone
     *         surrogate (which UTF-8 cannot encode)
     */
    public static UnixAddress abstractName(String name) {
        check(Objects.requireNonNull(name, "name"), MAX_PATH_BYTES, "abstract name");
        return new UnixAddress(name, true);
    }

    /** {@return the address of a socket without a name (an unbound client, one end of a socket pair)} */
    public static UnixAddress unnamed() {
        return UNNAMED;
    }

    static UnixAddress decoded(String name, boolean isAbstract) {
        return name == null ? UNNAMED : new UnixAddress(name, isAbstract);
    }

    private static void check(String s, int max, String what) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("an empty " + what + " names no socket");
        }
        int bytes = CStrings.of(what, s).length - 1; // refuses a NUL, and a lone surrogate that would become '?'
        if (bytes > max) {
            throw new IllegalArgumentException(what + " has " + bytes + " bytes of UTF-8, more than the " + max
                    + " a Unix socket address holds (sun_path, unix(7)): " + s);
        }
    }

    /** {@return true for a name in the abstract namespace} */
    public boolean isAbstract() {
        return isAbstract;
    }

    /** {@return true for the address of an unnamed socket} */
    public boolean isUnnamed() {
        return name == null;
    }

    /** {@return the socket file's path, or null for an abstract or unnamed address} */
    public Path path() {
        return name == null || isAbstract ? null : Path.of(name);
    }

    /** {@return the path or the abstract name (without its leading NUL), or null when unnamed} */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress u && u.isAbstract == isAbstract && Objects.equals(u.name, name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name) * 31 + (isAbstract ? 1 : 0);
    }

    /**
     * {@return the path, "@" and the abstract name, or "(unnamed)"; NUL bytes
     * that pad a received name (see {@link #abstractName}) are counted, not shown}
     */
    @Override
    public String toString() {
        if (name == null) {
            return "(unnamed)";
        }
        if (!isAbstract) {
            return name;
        }
        int end = name.length();
        while (end > 0 && name.charAt(end - 1) == '\0') {
            end--;
        }
        String shown = "@" + name.substring(0, end).replace("\0", "\\0");
        return end == name.length() ? shown : shown + " (and " + (name.length() - end) + " NUL bytes)";
    }

    /** A deserialized address passes the checks its factory made. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (name != null) {
            try {
                if (isAbstract) {
                    // A received abstract name may hold NUL bytes (a C peer's padding): only its length is checked.
                    int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    if (name.isEmpty() || bytes > MAX_PATH_BYTES) {
                        throw new IllegalArgumentException("abstract name of " + bytes + " bytes: 1 to "
                                + MAX_PATH_BYTES + " fit");
                    }
                } else {
                    check(name, MAX_PATH_BYTES, "path");
                }
            } catch (IllegalArgumentException e) {
                java.io.InvalidObjectException invalid = new java.io.InvalidObjectException(e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
