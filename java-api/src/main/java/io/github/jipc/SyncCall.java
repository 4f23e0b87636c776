package io.github.jipc;

import io.github.jipc.internal.Call;

/** The system calls of futexes, semaphores and mutexes in shared memory, with what their errors mean. */
enum SyncCall implements Call {
    FUTEX_WAIT("futex(FUTEX_WAIT_BITSET)", "futex(2)"),
    FUTEX_WAKE("futex(FUTEX_WAKE)", "futex(2)");

    private final String name;
    private final String manPage;

    SyncCall(String name, String manPage) {
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
