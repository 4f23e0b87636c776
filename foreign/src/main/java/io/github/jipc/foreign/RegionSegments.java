package io.github.jipc.foreign;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;

import io.github.jipc.SharedRegion;

/**
 * {@link MemorySegment} views of a {@link SharedRegion} (Java 22 and newer).
 *
 * <p>A segment from {@link #of(SharedRegion)} lives in a shared {@link Arena}
 * that the region closes when it closes, before its mapping goes. From then
 * on, every access to the segment, from any thread, throws
 * {@link IllegalStateException}; an access racing the close either completes
 * on the shared memory or throws, it never reaches freed or foreign memory
 * (the JDK's arena close waits for accesses in flight). Offsets into the
 * segment are offsets into the region, as other processes use them.
 *
 * <p>The segment's address belongs to this process only: store offsets, never
 * addresses, in shared memory. Making the view is a restricted method of the
 * JDK ({@code MemorySegment.reinterpret}): start the JVM with
 * {@code --enable-native-access=io.github.jipc.foreign} (on the class path:
 * {@code ALL-UNNAMED}).
 */
public final class RegionSegments {
    private RegionSegments() {}

    /**
     * A segment over the whole region, read-only if the region is, whose
     * lifetime ends when the region closes.
     *
     * @param region an open region
     * @return the segment, {@code region.size()} bytes
     * @throws IllegalStateException if the region is closed
     */
    @SuppressWarnings("restricted") // documented: the application grants native access
    public static MemorySegment of(SharedRegion region) {
        Objects.requireNonNull(region, "region");
        Arena arena = Arena.ofShared();
        ByteBuffer buffer = region.asByteBuffer();
        // The arena keeps the buffer, and so the mapping, reachable for as long as the segment is.
        MemorySegment view = MemorySegment.ofBuffer(buffer).reinterpret(arena, unused -> Reference.reachabilityFence(buffer));
        try {
            region.onClose(arena::close);
        } catch (IllegalStateException e) {
            arena.close();
            throw e;
        }
        return region.isReadOnly() ? view.asReadOnly() : view;
    }
}
