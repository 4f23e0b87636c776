package io.github.jipc.it.roles;

import java.io.IOException;
import java.io.InputStream;

import io.github.jipc.IpcException;

/**
 * What every role's {@code main} shares: a watchdog, the stdout line
 * protocol, and the exit codes.
 *
 * <p>Protocol lines: {@code READY ...} once set up, {@code HOLDING ...} while
 * holding an end open, {@code RESULT bytes=<n> crc32=<hex>} when done,
 * {@code ERROR <call> <ERRNO> ...} on failure. Exit codes: 0 done, 2 bad
 * usage, 3 failed. The same protocol as the C peers.
 */
final class Role {
    /** A role never outlives a broken test by more than this. */
    private static final long WATCHDOG_MILLIS = 120_000;

    interface Body {
        void run(String[] args) throws Exception;
    }

    private Role() {}

    /** Runs body, then exits: 0 if it returned, 3 if it threw. */
    static void run(String[] args, Body body) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(WATCHDOG_MILLIS);
                say("ERROR watchdog expired");
                Runtime.getRuntime().halt(4);
            } catch (InterruptedException e) {
                // the role ended
            }
        }, "role-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        int code = 0;
        try {
            body.run(args);
        } catch (IllegalArgumentException e) {
            say("ERROR usage " + e.getMessage());
            e.printStackTrace();
            code = 2;
        } catch (Throwable t) {
            say("ERROR " + describe(t));
            t.printStackTrace();
            code = 3;
        }
        System.out.flush();
        System.exit(code);
    }

    private static String describe(Throwable t) {
        if (t instanceof IpcException e) {
            return e.call() + " " + e.errnoName() + " " + e.getMessage();
        }
        return t.getClass().getSimpleName() + " " + t.getMessage();
    }

    /** Prints one protocol line. */
    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static void ready() {
        say("READY pid=" + ProcessHandle.current().pid());
    }

    static void result(Transfer t) {
        say("RESULT " + t);
    }

    /** Blocks until standard input reaches end of file: the test's gate. */
    static void awaitStdinEof() throws IOException {
        InputStream in = System.in;
        byte[] b = new byte[256];
        while (in.read(b) >= 0) {
            // discard
        }
    }

    static int intArg(String[] args, int i, String what) {
        return (int) longArg(args, i, what);
    }

    static long longArg(String[] args, int i, String what) {
        if (args.length <= i) {
            throw new IllegalArgumentException("missing " + what);
        }
        try {
            return Long.parseLong(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number for " + what + ": " + args[i], e);
        }
    }

    /** The value of option --name=value among args, or fallback. */
    static long option(String[] args, String name, long fallback) {
        String prefix = "--" + name + "=";
        for (String a : args) {
            if (a.startsWith(prefix)) {
                return Long.parseLong(a.substring(prefix.length()));
            }
        }
        return fallback;
    }

    static boolean flag(String[] args, String name) {
        for (String a : args) {
            if (a.equals("--" + name)) {
                return true;
            }
        }
        return false;
    }
}
