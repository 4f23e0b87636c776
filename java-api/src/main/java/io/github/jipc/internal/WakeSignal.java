package io.github.jipc.internal;

import io.github.jipc.internal.jni.GuardNative;

/**
 * The real-time signal that interrupts native calls blocked on a handle that
 * another thread closes. System property {@value #PROPERTY}: {@code SIGRTMAX-n},
 * {@code SIGRTMIN+n} or a number; default {@code SIGRTMAX-3}.
 */
public final class WakeSignal {
    public static final String PROPERTY = "jipc.wakeSignal";

    private WakeSignal() {}

    /**
     * Installs the handler of the configured signal.
     *
     * @return null when done, else why not
     */
    static String setUp() {
        String spec = System.getProperty(PROPERTY, "").trim();
        int sig;
        try {
            sig = spec.isEmpty() ? 0 : parse(spec);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        int r = GuardNative.jipc_guard_setup(sig);
        if (r >= 0) {
            return null;
        }
        String name = spec.isEmpty() ? "SIGRTMAX-3" : spec;
        if (r == -Errno.EINVAL) {
            return "-D" + PROPERTY + "=" + spec + " is no real-time signal (SIGRTMIN " + GuardNative.SIGRTMIN()
                    + " to SIGRTMAX " + GuardNative.SIGRTMAX() + ")";
        }
        if (r == -Errno.EBUSY) {
            return "the wake signal " + name + " already has a handler installed by other code in this JVM;"
                    + " choose a free real-time signal with -D" + PROPERTY + "=SIGRTMAX-4 (for example)";
        }
        return "installing the handler of the wake signal " + name + " failed: " + Errno.name(-r);
    }

    /** The signal number of a spec such as {@code SIGRTMAX-3}. */
    static int parse(String spec) {
        String s = spec.toUpperCase(java.util.Locale.ROOT);
        try {
            if (s.startsWith("SIGRTMAX")) {
                return GuardNative.SIGRTMAX() + offset(s.substring(8));
            }
            if (s.startsWith("SIGRTMIN")) {
                return GuardNative.SIGRTMIN() + offset(s.substring(8));
            }
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + spec
                    + " is not a signal: use SIGRTMAX-n, SIGRTMIN+n or a number", e);
        }
    }

    private static int offset(String rest) {
        return rest.isEmpty() ? 0 : Integer.parseInt(rest.startsWith("+") ? rest.substring(1) : rest);
    }

    /** The warning when close could not wake the calls blocked on what. */
    static String wakeFailure(int r, String what) {
        if (r == -GuardNative.JIPC_NO_HANDLER()) {
            return "closing " + what + ": other code replaced jipc's handler of the wake signal " + GuardNative.jipc_guard_signal()
                    + "; threads blocked on it stay blocked until their call completes. Choose a signal nobody else uses with -D"
                    + PROPERTY;
        }
        return "closing " + what + ": waking the threads blocked on it failed: " + Errno.name(-r);
    }
}
