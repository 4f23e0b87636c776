package io.github.jipc.internal;

import java.nio.charset.StandardCharsets;

import org.bytedeco.javacpp.BytePointer;

import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.GuardNative;

/** errno values of this platform, read from native code; never hard-coded. */
public final class Errno {
    public static final int EAGAIN = CommonNative.EAGAIN();
    public static final int EPIPE = CommonNative.EPIPE();
    public static final int ENOENT = CommonNative.ENOENT();
    public static final int EEXIST = CommonNative.EEXIST();
    public static final int EACCES = CommonNative.EACCES();
    public static final int EPERM = CommonNative.EPERM();
    public static final int ENXIO = CommonNative.ENXIO();
    public static final int EINVAL = CommonNative.EINVAL();
    public static final int EBUSY = CommonNative.EBUSY();
    public static final int EMFILE = CommonNative.EMFILE();
    public static final int ENFILE = CommonNative.ENFILE();
    public static final int ENOMEM = CommonNative.ENOMEM();
    public static final int ESRCH = CommonNative.ESRCH();
    /** What a blocking shim returns when its handle's guard fired (the handle is closing); no errno value. */
    public static final int WOKEN = GuardNative.JIPC_WOKEN();

    private Errno() {}

    /** The symbol of errno value err ("EAGAIN"), or "errno " + err when unknown. */
    public static String name(int err) {
        return string(CommonNative.jipc_errno_name(err), "errno " + err);
    }

    /** The description of errno value err ("Resource temporarily unavailable"). */
    public static String description(int err) {
        return string(CommonNative.jipc_errno_description(err), "Unknown error " + err);
    }

    /** The signal's name ("SIGKILL"), or "signal " + sig when unknown. */
    public static String signalName(int sig) {
        String abbrev = string(CommonNative.jipc_signal_name(sig), null);
        return abbrev == null ? "signal " + sig : "SIG" + abbrev;
    }

    private static String string(BytePointer p, String fallback) {
        return p == null || p.isNull() ? fallback : p.getString(StandardCharsets.UTF_8);
    }
}
