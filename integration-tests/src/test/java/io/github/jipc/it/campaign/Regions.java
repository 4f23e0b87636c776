package io.github.jipc.it.campaign;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.CRC32;

import io.github.jipc.MapOption;
import io.github.jipc.MappedFile;
import io.github.jipc.MemoryFile;
import io.github.jipc.Seal;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;

/**
 * Every kind of shared region (POSIX shared memory, memory files, System V
 * segments, mapped files) and the stale ByteBuffer views of closed ones: a
 * view outlives its region here on purpose, and reads and writes through it,
 * bulk ones and CRC-32 included, must never crash the JVM.
 */
final class Regions implements Facility {
    static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final int MAX = 65536;

    private final Slots<SharedRegion> regions = new Slots<>("SharedRegion", 6);
    private final Slots<SharedMemory> posix = new Slots<>("SharedMemory", 2);
    private final Slots<MemoryFile> memfds = new Slots<>("MemoryFile", 2);
    /** Views kept past their region's close. */
    private final AtomicReferenceArray<ByteBuffer> views = new AtomicReferenceArray<>(16);
    private final Set<Integer> sysvIds = ConcurrentHashMap.newKeySet();
    private final Names names;
    private final Path folder;

    Regions(Names names, Path folder) {
        this.names = names;
        this.folder = folder;
    }

    @Override
    public String name() {
        return "shared regions (POSIX, memfd, System V, file) and stale views";
    }

    /** A shared region from any of the four kinds, put in a slot. */
    SharedRegion open(Random r, Calls c) {
        SharedRegion[] made = new SharedRegion[1];
        long size = 1 + r.nextInt(MAX);
        switch (r.nextInt(5)) {
            case 0 -> c.call("SharedMemory.create/map", Calls.OS, () -> {
                SharedMemory m = SharedMemory.create(names.good(r), size, OWNER_RW);
                posix.put(r, m, c);
                made[0] = r.nextInt(4) == 0 ? m.map(r.nextInt(8192) - 100, size + r.nextInt(3) - 1) : m.map();
            });
            case 1 -> c.call("MemoryFile.create/map", Calls.OS, () -> {
                MemoryFile m = MemoryFile.create("campaign", size);
                memfds.put(r, m, c);
                if (r.nextInt(3) == 0) {
                    m.seal(Seal.SHRINK, Seal.GROW);
                }
                made[0] = r.nextInt(4) == 0 ? m.map(r.nextInt(3) * 4096L, size) : m.map();
            });
            case 2 -> c.call("SystemVSharedMemory.create/attach", Calls.OS, () -> {
                SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, size, OWNER_RW);
                sysvIds.add(s.id());
                try {
                    made[0] = s.attach(r.nextInt(4) == 0 ? new MapOption[] { MapOption.READ_ONLY } : new MapOption[0]);
                } finally {
                    if (r.nextBoolean()) {
                        s.remove(); // the attached segment stays until detached
                        sysvIds.remove(s.id());
                    }
                }
            });
            case 3 -> c.call("MappedFile.map", Calls.OS, () -> {
                Path file = folder.resolve("mapped-" + r.nextInt(4));
                MapOption[] o = r.nextInt(4) == 0 ? new MapOption[] { MapOption.CREATE, MapOption.POPULATE }
                        : new MapOption[] { MapOption.CREATE };
                made[0] = MappedFile.map(file, r.nextInt(3) == 0 ? r.nextInt(10_000) : 0, size, o);
            });
            default -> c.call("SharedMemory.create (bad name/size)", Calls.OS, () -> {
                SharedMemory m = SharedMemory.create(Names.bad(r), r.nextBoolean() ? -r.nextInt(10) - 1 : size,
                        OWNER_RW);
                m.close();
            });
        }
        if (made[0] != null) {
            regions.put(r, made[0], c);
        }
        return made[0];
    }

    SharedRegion pick(Random r) {
        return regions.pick(r);
    }

    static long offset(Random r, long size) {
        return switch (r.nextInt(8)) {
            case 0 -> -1 - r.nextInt(100);
            case 1 -> size - r.nextInt(8);
            case 2 -> Long.MAX_VALUE - r.nextInt(8);
            case 3 -> Long.MIN_VALUE;
            default -> r.nextInt((int) Math.max(1, Math.min(size, Integer.MAX_VALUE)));
        };
    }

    @Override
    public void step(Random r, Calls c) {
        int what = r.nextInt(14);
        if (what == 0) {
            open(r, c);
            return;
        }
        if (what == 1) {
            stale(r, c);
            return;
        }
        if (what == 2) {
            sysvMisuse(r, c);
            return;
        }
        SharedRegion g = regions.pick(r);
        if (g == null) {
            return;
        }
        long size = g.size();
        long o = offset(r, size);
        switch (what) {
            case 3 -> c.call("SharedRegion.getByte/putByte", Calls.REGION, () -> g.putByte(o, (byte) (g.getByte(o) + 1)));
            case 4 -> c.call("SharedRegion.getInt/putLong", Calls.REGION, () -> g.putLong(o, g.getInt(o)));
            case 5 -> c.call("SharedRegion.volatile/atomic", Calls.REGION, () -> {
                g.getAndAddLong(o, 1);
                g.putIntRelease(o, g.getIntVolatile(o));
                g.getAndAddInt(o, -1);
            });
            case 6 -> c.call("SharedRegion.get/put bytes", Calls.REGION, () -> {
                int len = r.nextInt(4) == 0 ? -r.nextInt(5) : r.nextInt(MAX + 10);
                byte[] a = new byte[r.nextInt(MAX)];
                int at = r.nextInt(a.length + 1) - (r.nextInt(8) == 0 ? 3 : 0);
                if (r.nextBoolean()) {
                    g.get(o, a, at, len);
                } else {
                    g.put(o, a, at, len);
                }
            });
            case 7, 8 -> c.call("SharedRegion.asByteBuffer", Calls.REGION, () -> {
                ByteBuffer b = g.asByteBuffer();
                views.set(r.nextInt(views.length()), r.nextBoolean() ? b : b.slice((int) (o & 0xff) % b.capacity(), 1));
                if (b.capacity() > 8) {
                    b.putLong(0, b.getLong(b.capacity() - 8));
                }
            });
            case 9 -> c.call("SharedRegion.close", Calls.CLOSE, g::close);
            case 10 -> c.call("SharedRegion.onClose", Calls.REGION.and(Calls.NULL),
                    () -> g.onClose(r.nextBoolean() ? null : () -> { }));
            case 11 -> c.call("MemoryFile.grow/seal", Calls.OS, () -> {
                MemoryFile m = memfds.pick(r);
                if (m != null) {
                    if (r.nextBoolean()) {
                        m.grow(r.nextBoolean() ? -1 : r.nextInt(2 * MAX));
                    } else {
                        m.seal(Seal.values()[r.nextInt(Seal.values().length)]);
                    }
                }
            });
            case 12 -> c.call("SharedMemory.grow/map/close", Calls.OS.and(Calls.Allowed.of(IllegalStateException.class)), () -> {
                SharedMemory m = posix.pick(r);
                if (m != null) {
                    switch (r.nextInt(3)) {
                        case 0 -> m.grow(r.nextBoolean() ? -5 : r.nextInt(2 * MAX));
                        case 1 -> regions.put(r, m.map(offset(r, m.size()), offset(r, MAX)), c);
                        default -> m.close();
                    }
                }
            });
            default -> c.call("MappedFile.map (bad window)", Calls.OS.and(Calls.NULL), () -> {
                Path file = r.nextInt(8) == 0 ? null : folder.resolve("mapped-" + r.nextInt(6));
                MapOption[] o2 = r.nextBoolean() ? new MapOption[] { MapOption.READ_ONLY }
                        : new MapOption[] { MapOption.PRIVATE, MapOption.CREATE };
                regions.put(r, MappedFile.map(file, offset(r, 1 << 20), offset(r, 1L << 33), o2), c);
            });
        }
    }

    /** Reads and writes through a view whose region may be closed (or closing on another thread). */
    private void stale(Random r, Calls c) {
        ByteBuffer b = views.get(r.nextInt(views.length()));
        if (b == null) {
            return;
        }
        int cap = b.capacity();
        int i = r.nextInt(cap + 2) - 1;
        switch (r.nextInt(6)) {
            case 0 -> c.call("stale view get/put", Calls.VIEW, () -> b.put(i, (byte) (b.get(i) ^ 1)));
            case 1 -> c.call("stale view bulk get", Calls.VIEW, () -> {
                byte[] a = new byte[cap];
                b.duplicate().clear().get(a);
            });
            case 2 -> c.call("stale view CRC32", Calls.VIEW, () -> {
                CRC32 crc = new CRC32();
                crc.update(b.duplicate().clear());
            });
            case 3 -> c.call("stale view mismatch", Calls.VIEW, () -> b.duplicate().clear()
                    .mismatch(ByteBuffer.allocateDirect(cap)));
            case 4 -> c.call("stale view bulk put", Calls.VIEW, () -> {
                ByteBuffer d = b.duplicate().clear();
                d.put(ByteBuffer.allocateDirect(cap));
            });
            default -> c.call("stale view ints", Calls.VIEW, () -> {
                IntBuffer ints = b.duplicate().clear().asIntBuffer();
                if (ints.capacity() > 0) {
                    ints.put(0, ints.get(ints.capacity() - 1) + 1);
                }
            });
        }
    }

    private void sysvMisuse(Random r, Calls c) {
        c.call("SystemVSharedMemory misuse", Calls.OS.and(Calls.NULL), () -> {
            switch (r.nextInt(5)) {
                case 0 -> SystemVSharedMemory.ofId(r.nextBoolean() ? -1 - r.nextInt(5) : Integer.MAX_VALUE - r.nextInt(5))
                        .attach();
                case 1 -> SystemVSharedMemory.create(SysVKey.PRIVATE, r.nextBoolean() ? 0 : -r.nextInt(5) - 1L,
                        OWNER_RW);
                case 2 -> SystemVSharedMemory.create(SysVKey.PRIVATE, 1L << 50, OWNER_RW);
                case 3 -> {
                    SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, 4096, OWNER_RW);
                    s.remove();
                    s.remove(); // twice: EIDRM or EINVAL
                }
                default -> SystemVSharedMemory.create(null, 4096, OWNER_RW);
            }
        });
    }

    @Override
    public void cleanup(Calls c) {
        regions.closeAll(c);
        posix.closeAll(c);
        memfds.closeAll(c);
        for (int id : sysvIds) {
            c.call("SystemVSharedMemory.remove (cleanup)", Calls.OS, () -> SystemVSharedMemory.ofId(id).remove());
        }
        for (String n : names.used()) {
            c.call("SharedMemory.unlink (cleanup)", Calls.OS, () -> {
                try {
                    SharedMemory.unlink(n);
                } catch (java.nio.file.NoSuchFileException e) {
                    // another kind of object had the name, or it was never created
                }
            });
        }
    }
}
