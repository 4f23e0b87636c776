package io.github.jipc;

import io.github.jipc.internal.Call;

/** The system calls of FIFOs. */
enum FifoCall implements Call {
    MKFIFO("mkfifo", "mkfifo(3)"),
    STAT("stat", "stat(2)"),
    OPEN("open", "fifo(7)"),
    OPEN_SINK_NONBLOCK("open(O_WRONLY|O_NONBLOCK)", "fifo(7)"),
    TEE("tee (probe for a writer)", "tee(2)"),
    UNLINK("unlink", "unlink(2)");

    private final String name;
    private final String manPage;

    FifoCall(String name, String manPage) {
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
