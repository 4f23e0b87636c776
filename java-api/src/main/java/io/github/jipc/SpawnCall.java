package io.github.jipc;

import io.github.jipc.internal.Call;

/** The system calls of child processes. */
enum SpawnCall implements Call {
    POSIX_SPAWN("posix_spawn", "posix_spawn(3)"),
    OPEN_REDIRECT("open", "open(2)"),
    WAITID("waitid(P_PIDFD)", "waitid(2)"),
    PIDFD_SEND_SIGNAL("pidfd_send_signal", "pidfd_send_signal(2)");

    private final String name;
    private final String manPage;

    SpawnCall(String name, String manPage) {
        this.name = name;
        this.manPage = manPage;
    }

    @Override
    public String callName() {
        return name;
    }

    @Override
    public String manPage() {
        return manPage;
    }
}
