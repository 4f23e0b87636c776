package io.github.jipc.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Recognises, on Java 22 and newer, direct buffers whose memory belongs to an
 * arena that some thread can close explicitly ({@code Arena.ofShared()},
 * {@code Arena.ofConfined()}). Such memory may be freed while a native call
 * blocks on it, and the kernel would then write into freed memory; jipc never
 * hands such a buffer's address to native code, and copies through memory of
 * its own instead, so that a closed arena shows as the JDK's
 * {@link IllegalStateException} on the copy. Buffers of
 * {@code ByteBuffer.allocateDirect}, of the global arena and of automatic
 * arenas (kept alive by reachability fences) pass directly. Only public API
 * is used, through method handles, so that the classes still run on Java 17.
 */
final class ArenaBuffers {
    private static final MethodHandle SCOPE_OF_BUFFER = scopeOfBuffer();
    private static final Class<?> GLOBAL = SCOPE_OF_BUFFER == null ? null : arenaScopeClass("global");
    private static final Class<?> AUTO = SCOPE_OF_BUFFER == null ? null : arenaScopeClass("ofAuto");
    /** The scope of a plain allocateDirect buffer (a kind of global scope on Java 25). */
    private static final Class<?> PLAIN = SCOPE_OF_BUFFER == null ? null : plainScopeClass();

    private ArenaBuffers() {}

    /** {@return true if b's memory can be freed by closing an arena} */
    static boolean closeable(ByteBuffer b) {
        if (SCOPE_OF_BUFFER == null) {
            return false;
        }
        try {
            Class<?> scope = ((Object) SCOPE_OF_BUFFER.invoke((Buffer) b)).getClass();
            return !(scope == PLAIN || scope == AUTO || (GLOBAL != null && GLOBAL.isAssignableFrom(scope)));
        } catch (Throwable t) {
            return true; // cannot tell: the copy is the safe side
        }
    }

    /** MemorySegment.ofBuffer(b).scope(), or null before Java 22. */
    private static MethodHandle scopeOfBuffer() {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        try {
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> scope = Class.forName("java.lang.foreign.MemorySegment$Scope");
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            MethodHandle ofBuffer = l.findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class));
            MethodHandle scopeOf = l.findVirtual(segment, "scope", MethodType.methodType(scope));
            return MethodHandles.filterReturnValue(ofBuffer, scopeOf)
                    .asType(MethodType.methodType(Object.class, Buffer.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Class<?> plainScopeClass() {
        try {
            return ((Object) SCOPE_OF_BUFFER.invoke((Buffer) ByteBuffer.allocateDirect(1))).getClass();
        } catch (Throwable t) {
            return null;
        }
    }

    /** The class of the scope of Arena.global() or Arena.ofAuto(). */
    private static Class<?> arenaScopeClass(String factory) {
        try {
            Class<?> arena = Class.forName("java.lang.foreign.Arena");
            Object a = arena.getMethod(factory).invoke(null);
            return arena.getMethod("scope").invoke(a).getClass();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
