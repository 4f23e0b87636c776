package io.github.jipc;

/**
 * The process id, user id and group id of a process, as the kernel reports
 * them for the peer of a Unix socket ({@code SO_PEERCRED}) or attached to a
 * message ({@code SCM_CREDENTIALS}); see unix(7).
 */
public final class Credentials {
    private final int pid;
    private final int uid;
    private final int gid;

    private Credentials(int pid, int uid, int gid) {
        this.pid = pid;
        this.uid = uid;
        this.gid = gid;
    }

    static Credentials of(int pid, int uid, int gid) {
        return new Credentials(pid, uid, gid);
    }

    /** {@return the process id (in the receiver's pid namespace)} */
    public int pid() {
        return pid;
    }

    /** {@return the user id} */
    public int uid() {
        return uid;
    }

    /** {@return the group id} */
    public int gid() {
        return gid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && c.pid == pid && c.uid == uid && c.gid == gid;
    }

    @Override
    public int hashCode() {
        return (pid * 31 + uid) * 31 + gid;
    }

    @Override
    public String toString() {
        return "pid " + pid + ", uid " + uid + ", gid " + gid;
    }
}
