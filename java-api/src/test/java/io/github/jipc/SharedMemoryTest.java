package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SharedMemoryTest {
    private static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");
    private static int next;
    private final String name = "/" + ShmLeaks.PREFIX + "posix-" + next++;

    @AfterEach
    void unlinkIfLeft() throws Exception {
        Files.deleteIfExists(Path.of("/dev/shm", name.substring(1)));
    }

    @Test
    void createMapUnlink() throws Exception {
        try (SharedMemory shm = SharedMemory.createExclusive(name, 10_000, PosixFilePermissions.fromString("rw-rw-r--"))) {
            assertEquals(name, shm.name());
            assertEquals(10_000, shm.size());
            Path file = Path.of("/dev/shm", name.substring(1));
            assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "no umask");
            try (SharedRegion r = shm.map(); SharedMemory again = SharedMemory.open(name); SharedRegion r2 = again.map()) {
                assertEquals(10_000, r.size());
                r.putLong(800, 12345);
                assertEquals(12345, r2.getLong(800));
            }
            shm.unlink();
            assertFalse(Files.exists(file));
            assertThrows(NoSuchFileException.class, shm::unlink);
            assertEquals(10_000, shm.size(), "the handle still reaches the memory");
        }
    }

    @Test
    void createOpensAnExistingObjectAndNeverShrinksIt() throws Exception {
        try (SharedMemory a = SharedMemory.create(name, 8192, RW_OWNER);
             SharedMemory b = SharedMemory.create(name.substring(1), 100, PosixFilePermissions.fromString("rwxrwxrwx"))) {
            assertEquals(name, b.name(), "a name without '/' gets one");
            assertEquals(8192, b.size());
            Path file = Path.of("/dev/shm", name.substring(1));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            b.grow(20_000);
            assertEquals(20_000, a.size());
            b.grow(10);
            assertEquals(20_000, a.size());
            assertThrows(FileAlreadyExistsException.class, () -> SharedMemory.createExclusive(name, 1, RW_OWNER));
            SharedMemory.unlink(name);
        }
    }

    @Test
    void windowsAtAnyOffset() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 3 * SharedRegion.pageSize(), RW_OWNER);
             SharedRegion whole = shm.map(); SharedRegion window = shm.map(SharedRegion.pageSize() + 3, 100)) {
            window.putInt(0, 0x11223344);
            assertEquals(0x11223344, whole.getInt(SharedRegion.pageSize() + 3));
            assertEquals(1, window.alignment());
            assertThrows(IllegalArgumentException.class, () -> window.getIntVolatile(0));
            assertThrows(IllegalArgumentException.class, () -> shm.map(2 * SharedRegion.pageSize(), SharedRegion.pageSize() + 1));
            assertThrows(IllegalArgumentException.class, () -> shm.map(-1, 10));
            assertThrows(IllegalArgumentException.class, () -> shm.map(0, 0));
            SharedMemory.unlink(name);
        }
    }

    @Test
    void privateMapsAreCopies() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 4096, RW_OWNER);
             SharedRegion shared = shm.map(MapOption.POPULATE); SharedRegion copy = shm.map(MapOption.PRIVATE)) {
            shared.putInt(0, 1);
            assertEquals(1, copy.getInt(0));
            copy.putInt(0, 2);
            assertEquals(1, shared.getInt(0));
            SharedMemory.unlink(name);
        }
    }

    @Test
    void anObjectTruncatedUnderTheRegionIsAnErrorNotACrash() throws Exception {
        // Another process may shrink a POSIX object under a mapping: the pages past its new end
        // raise SIGBUS. Copies of any size go through the JVM's guarded copy, which reports it.
        try (SharedMemory shm = SharedMemory.create(name, 64 * 1024, RW_OWNER); SharedRegion r = shm.map()) {
            try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(
                    java.nio.file.Path.of("/dev/shm" + name), java.nio.file.StandardOpenOption.WRITE)) {
                other.truncate(4096);
            }
            assertEquals(0, r.getInt(0), "the first page is still there");
            byte[] big = new byte[32 * 1024]; // above RegionCopies.NATIVE_COPY_MIN
            int faults = faults(() -> r.get(8192, big, 0, big.length), () -> r.put(8192, big, 0, big.length),
                    () -> r.getLong(8192));
            assertTrue(faults >= 1, "no InternalError came from accesses past the end");
            assertEquals(0, r.getInt(0), "this JVM lives on, and so does the region");
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    @Timeout(180)
    void atomicsOnATruncatedObjectAreAnErrorNotACrashEvenInterpreted() throws Exception {
        // Java 17's interpreter runs the atomics unguarded; a child JVM with -Xint runs nothing else.
        String launcher = System.getProperty(Subprocess.JAVA_LAUNCHER_PROPERTY, ""); // a wrapper under emulation
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                launcher.isEmpty() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : launcher,
                "-Xint", "-XX:-CreateCoredumpOnCrash"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), TruncatedAtomics.class.getName(), name));
        Path out = Files.createTempFile("jipc-atomics", ".txt");
        Path crash = Files.createTempFile("jipc-atomics-hs_err", ".log");
        cmd.add(3, "-XX:ErrorFile=" + crash); // a crash report, if any, away from the working folder
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out);
            assertEquals(0, p.exitValue(), "the child JVM died: " + output + "\n" + Files.readString(crash));
            assertTrue(output.contains("faults 4 of 4"), output);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(crash);
            Files.deleteIfExists(Path.of("/dev/shm", name.substring(1)));
        }
    }

    /**
     * Runs the accesses on a thread of their own and counts the InternalErrors
     * they raise. HotSpot reports a fault in an unsafe memory access in
     * compiled code asynchronously, at one of the thread's later checks, which
     * may come after the access returned, in the next access, or as the
     * thread ends: counted wherever it comes.
     */
    private static int faults(Runnable... accesses) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger faults = new java.util.concurrent.atomic.AtomicInteger();
        Thread t = new Thread(() -> {
            for (Runnable access : accesses) {
                try {
                    access.run();
                    for (int i = 0; i < 20; i++) {
                        Thread.sleep(1);
                    }
                } catch (InternalError e) {
                    faults.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.setUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof InternalError) {
                faults.incrementAndGet();
            }
        });
        t.start();
        t.join(30_000);
        assertFalse(t.isAlive(), "the accesses never ended");
        return faults.get();
    }

    @Test
    void readOnlyHandles() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, 4096, RW_OWNER); SharedRegion w = shm.map();
             SharedMemory ro = SharedMemory.openReadOnly(name)) {
            assertTrue(ro.isReadOnly());
            w.putInt(0, 3);
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> ro.map());
            assertTrue(e.getMessage().contains("EACCES"), e.getMessage());
            try (SharedRegion r = ro.map(MapOption.READ_ONLY)) {
                assertEquals(3, r.getInt(0));
                assertThrows(java.nio.ReadOnlyBufferException.class, () -> r.putInt(0, 4));
            }
            IllegalStateException grow = assertThrows(IllegalStateException.class, () -> ro.grow(8192));
            assertTrue(grow.getMessage().contains("opened read-only"), grow.getMessage());
            SharedMemory.unlink(name);
        }
    }

    @Test
    void errors() throws Exception {
        assertThrows(NoSuchFileException.class, () -> SharedMemory.open(name));
        assertThrows(NoSuchFileException.class, () -> SharedMemory.openReadOnly(name));
        assertThrows(NoSuchFileException.class, () -> SharedMemory.unlink(name));
        for (String bad : new String[] { "/", "", "/a/b", "a/b", "/..", "/." }) {
            assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(bad, 1, RW_OWNER), bad);
        }
        for (String dots : new String[] { "/.", ".." }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedMemory.open(dots));
            assertTrue(e.getMessage().startsWith("\"" + dots + "\" is not a valid POSIX shared memory name: \".\" and"
                    + " \"..\" name the directory of the objects (/dev/shm) and its parent"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("/a\0b", 1, RW_OWNER));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(name + "\uD800", 1, RW_OWNER));
        assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.create(name + "\uDFFF", 0, RW_OWNER));
        IpcException tooLong = assertThrows(IpcException.class, () -> SharedMemory.create("x".repeat(300), 1, RW_OWNER));
        assertEquals("ENAMETOOLONG", tooLong.errnoName()); // refused by the shim's name check, before glibc
        assertTrue(tooLong.getMessage().contains("NAME_MAX"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(name, -1, RW_OWNER));
        assertThrows(NullPointerException.class, () -> SharedMemory.create(null, 1, RW_OWNER));
        assertFalse(Files.exists(Path.of("/dev/shm", name.substring(1))), "a refused create leaves nothing");
        SharedMemory shm = SharedMemory.create(name, 0, RW_OWNER);
        assertThrows(IllegalArgumentException.class, () -> shm.map(), "an empty object has nothing to map");
        assertThrows(IllegalArgumentException.class, () -> shm.map(MapOption.CREATE));
        shm.close();
        shm.close();
        assertFalse(shm.isOpen());
        assertThrows(ClosedChannelException.class, shm::size);
        assertThrows(ClosedChannelException.class, () -> shm.map(0, 1));
        assertThrows(ClosedChannelException.class, () -> shm.grow(1));
        shm.unlink(); // the name is no descriptor: unlink works after close
    }

    @Test
    void regionsOutliveTheHandle() throws Exception {
        SharedRegion r;
        try (SharedMemory shm = SharedMemory.create(name, 4096, RW_OWNER)) {
            r = shm.map();
            shm.unlink();
        }
        r.putInt(0, 5);
        assertEquals(5, r.getInt(0));
        r.close();
    }

    @Test
    void inheritedChecksTheDescriptor() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.inherited(-1));
        IpcException e = assertThrows(IpcException.class, () -> SharedMemory.inherited(100_000));
        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void onlySharedMemoryObjectsAreTakenAsInherited() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            try (UnownedDescriptor end = new UnownedDescriptor(pipe.source())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> SharedMemory.inherited(end.fd));
                assertTrue(e.getMessage().contains("not a shared memory object"), e.getMessage());
            }
            assertTrue(pipe.source().isOpen(), "a refused descriptor is not taken over");
        }
    }

    @Test
    void aSizeBeyondTheMemoryLeftIsRefused() throws Exception {
        long available = io.github.jipc.internal.Limits.memoryAvailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(available > 0, "/proc/meminfo has no MemAvailable here");
        IpcException e = assertThrows(IpcException.class, () -> SharedMemory.createExclusive(name,
                available + (1L << 30), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")).close());
        assertEquals("ENOMEM", e.errnoName());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/dev/shm" + name)), "nothing is left behind");
    }
}
