package io.github.jipc.internal;

/** Calls jipc makes on its own behalf, shared by every family. */
enum InternalCall implements Call {
    GUARD("jipc_guard_create", "malloc(3)"),
    REOPEN("open(/proc/self/fd)", "proc(5)");

    private final String name;
    private final String manPage;

    InternalCall(String name, String manPage) {
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
