package io.github.jipc.it.harness;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call run on its own thread, so that the test thread can watch it block
 * and then close, interrupt or kill what it waits for. Every wait is bounded
 * by {@link Harness#TIMEOUT}.
 */
public final class Worker<T> {
    private final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private Worker(String name, Callable<T> body) {
        this.thread = new Thread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts body on a new thread. */
    public static <T> Worker<T> start(String name, Callable<T> body) {
        Worker<T> w = new Worker<>(name, body);
        w.thread.start();
        return w;
    }

    public Thread thread() {
        return thread;
    }

    /**
     * Waits until the thread is inside the native method (a jipc shim such as
     * {@code jipc_pipe_read}), that is, about to block or blocked in the kernel.
     */
    public Worker<T> awaitBlockedIn(String nativeMethod) throws InterruptedException {
        long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
        for (;;) {
            StackTraceElement[] stack = thread.getStackTrace();
            if (stack.length > 0 && stack[0].isNativeMethod() && stack[0].getMethodName().equals(nativeMethod)) {
                return this;
            }
            if (result.isDone()) {
                fail(thread.getName() + " ended before blocking in " + nativeMethod + ": " + outcome());
            }
            if (System.nanoTime() > deadline) {
                thread.interrupt();
                fail(thread.getName() + " did not block in " + nativeMethod + " within " + Harness.TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(1);
        }
    }

    /** Waits for the call to return and gives its result; fails if it threw or does not end in time. */
    public T result() throws InterruptedException {
        try {
            return result.get(Harness.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return fail(thread.getName() + " threw " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            thread.interrupt();
            return fail(thread.getName() + " did not end within " + Harness.TIMEOUT.toSeconds() + " s");
        }
    }

    /** Waits for the call to throw and gives the exception; fails if it returned, threw otherwise or does not end in time. */
    public <X extends Throwable> X failure(Class<X> type) throws InterruptedException {
        try {
            T value = result.get(Harness.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return fail(thread.getName() + " returned " + value + " instead of throwing " + type.getSimpleName());
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause(), () -> thread.getName() + " threw " + e.getCause());
        } catch (TimeoutException e) {
            thread.interrupt();
            return fail(thread.getName() + " did not end within " + Harness.TIMEOUT.toSeconds() + " s");
        }
    }

    private String outcome() {
        try {
            return "returned " + result.getNow(null);
        } catch (RuntimeException e) {
            return "threw " + e.getCause();
        }
    }
}
