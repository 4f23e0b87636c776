package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Limits;
import io.github.jipc.internal.jni.MqNative;

/** The calls of POSIX message queues, with what their errors mean. */
enum MqCall implements Call {
    MQ_OPEN("mq_open", "mq_open(3)"),
    MQ_UNLINK("mq_unlink", "mq_unlink(3)"),
    MQ_SEND("mq_timedsend", "mq_send(3)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == E.EBADF) {
                return "the queue was not opened for writing";
            }
            return err == E.EMSGSIZE ? "the message of " + bytes + " bytes is larger than the queue's message size" : null;
        }
    },
    MQ_RECEIVE("mq_timedreceive", "mq_receive(3)") {
        @Override
        public String hint(int err, long bytes) {
            return err == E.EBADF ? "the queue was not opened for reading" : null;
        }
    },
    MQ_GETATTR("mq_getattr", "mq_getattr(3)"),
    MQ_NOTIFY("mq_notify", "mq_notify(3)") {
        @Override
        public String hint(int err, long arg) {
            return err == Errno.EBUSY ? "a process (this one or another) is registered for this queue already;"
                    + " one registration per queue" : null;
        }
    },
    NOTIFY_WAIT("recv(mq_notify socket)", "mq_notify(3)"),
    FCNTL("fcntl", "fcntl(2)");

    private final String name;
    private final String manPage;

    MqCall(String name, String manPage) {
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

    static final String MSG_MAX = "/proc/sys/fs/mqueue/msg_max";
    static final String MSGSIZE_MAX = "/proc/sys/fs/mqueue/msgsize_max";
    static final String QUEUES_MAX = "/proc/sys/fs/mqueue/queues_max";

    /**
     * What a failed mq_open means, naming the kernel limit hit, its value, what
     * was asked and how to raise it; null when there is nothing specific.
     *
     * @param creating    whether the call could create the queue
     * @param maxMessages the attribute asked, 0 for the system's default
     * @param messageSize the attribute asked, 0 for the system's default
     */
    /** The kernel's own bounds of fs.mqueue.msg_max and msgsize_max (ipc/mqueue.c, since Linux 3.5). */
    static final long HARD_MSG_MAX = 65_536;
    static final long HARD_MSGSIZE_MAX = 16L << 20;

    static String openHint(int err, boolean creating, long maxMessages, long messageSize) {
        if (err == Errno.EINVAL && creating) {
            String msgMax = Limits.sysctl(MSG_MAX);
            String sizeMax = Limits.sysctl(MSGSIZE_MAX);
            boolean tooMany = exceeds(maxMessages, msgMax);
            boolean tooBig = exceeds(messageSize, sizeMax);
            String raise = "; raise it with sysctl (e.g. sysctl -w ";
            String exempt = "; processes with CAP_SYS_RESOURCE may go up to " + HARD_MSG_MAX + " messages and 16 MiB"
                    + " messages";
            String hard = " exceeds what the kernel allows at all (HARD_MSGMAX " + HARD_MSG_MAX + " messages,"
                    + " HARD_MSGSIZEMAX " + HARD_MSGSIZE_MAX + " bytes), which no sysctl raises: ";
            if (messageSize > HARD_MSGSIZE_MAX) {
                return "a message size of " + messageSize + " bytes" + hard + "use smaller messages";
            }
            if (maxMessages > HARD_MSG_MAX) {
                return maxMessages + " messages" + hard + "make the queue hold fewer";
            }
            if (tooBig) {
                return "a message size of " + messageSize + " bytes exceeds fs.mqueue.msgsize_max (" + sizeMax
                        + " bytes, " + MSGSIZE_MAX + ")" + raise + "fs.mqueue.msgsize_max=" + messageSize + ")"
                        + (tooMany ? ", and " + maxMessages + " messages exceed fs.mqueue.msg_max (" + msgMax + ")" : "")
                        + exempt;
            }
            if (tooMany) {
                return maxMessages + " messages exceed fs.mqueue.msg_max (" + msgMax + " messages, " + MSG_MAX + ")"
                        + raise + "fs.mqueue.msg_max=" + maxMessages + ")" + exempt;
            }
            return "the name is \"/\" and 1 to " + MqNative.NAME_MAX() + " bytes without '/', and the attributes"
                    + " (" + maxMessages + " messages of " + messageSize + " bytes) must be within fs.mqueue.msg_max ("
                    + msgMax + ") and fs.mqueue.msgsize_max (" + sizeMax + ")";
        }
        if (err == Errno.EMFILE && creating) {
            return "either the process's open file limit (ulimit -n, see /proc/self/limits) is reached, or a queue of "
                    + maxMessages + " messages of " + messageSize + " bytes (plus the kernel's overhead per message) would"
                    + " take this user past RLIMIT_MSGQUEUE (" + Limits.softLimit("Max msgqueue size") + " bytes for all its queues; raise it"
                    + " with ulimit -q, limits.conf msgqueue, or systemd LimitMSGQUEUE=, or remove unused queues)";
        }
        if (err == E.ENOSPC) {
            return "the system-wide number of queues fs.mqueue.queues_max (" + Limits.sysctl(QUEUES_MAX) + ", " + QUEUES_MAX
                    + ") is reached; remove unused queues (see /dev/mqueue) or raise it with sysctl -w fs.mqueue.queues_max=N";
        }
        if (err == Errno.ENOMEM) {
            return "the kernel has no memory for a queue of " + maxMessages + " messages of " + messageSize + " bytes";
        }
        if (err == E.ENAMETOOLONG) {
            return "a name is at most " + MqNative.NAME_MAX() + " bytes after its '/'";
        }
        return null;
    }

    private static boolean exceeds(long asked, String limit) {
        try {
            return asked > Long.parseLong(limit);
        } catch (NumberFormatException e) {
            return false;
        }
    }


    /** errno values only these calls need, read from native code on first use. */
    static final class E {
        static final int ETIMEDOUT = MqNative.ETIMEDOUT();
        static final int EMSGSIZE = MqNative.EMSGSIZE();
        static final int ENOSPC = MqNative.ENOSPC();
        static final int EBADF = MqNative.EBADF();
        static final int ENAMETOOLONG = MqNative.ENAMETOOLONG();

        private E() {}
    }
}
