package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Limits;
import io.github.jipc.internal.jni.FileNative;
import io.github.jipc.internal.jni.MmapNative;
import io.github.jipc.internal.jni.MqNative;
import io.github.jipc.internal.jni.ShmNative;
import io.github.jipc.internal.jni.SysvShmNative;

/** The system calls of shared memory and memory maps, with what their errors mean. */
enum ShmCall implements Call {
    SHMGET("shmget", "shmget(2)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == E.ENOSPC) {
                return "the system's segment limit kernel.shmmni (" + Limits.sysctl("/proc/sys/kernel/shmmni")
                        + " segments) or its total kernel.shmall (" + Limits.sysctl("/proc/sys/kernel/shmall")
                        + " pages) is reached; remove unused segments (ipcrm) or raise them with sysctl";
            }
            if (err == E.EINVAL) {
                return "either " + bytes + " bytes is outside kernel.shmmin (1) .. kernel.shmmax ("
                        + Limits.sysctl("/proc/sys/kernel/shmmax") + "; raise it with sysctl), or the segment of this"
                        + " key exists and is smaller than that";
            }
            if (err == E.ENOMEM) {
                return "no memory for a segment of " + bytes + " bytes";
            }
            return null;
        }
    },
    SHMGET_HUGE_PAGES("shmget(SHM_HUGETLB)", "shmget(2)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == E.ENOMEM || err == E.ENOSPC) {
                return bytes + " bytes of huge pages are not free: vm.nr_hugepages is "
                        + Limits.sysctl("/proc/sys/vm/nr_hugepages") + " (" + HugePages.free()
                        + " free); reserve more with sysctl vm.nr_hugepages=N";
            }
            if (err == E.EINVAL) {
                return bytes + " bytes is no multiple of the huge page size, or above kernel.shmmax ("
                        + Limits.sysctl("/proc/sys/kernel/shmmax") + ")";
            }
            return null;
        }
    },
    FTOK("ftok", "ftok(3)"),
    SHMAT("shmat", "shmat(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == E.EINVAL) {
                return E.NO_SEGMENT + ", or the address or SHM_RND/SHM_RDONLY flags are invalid";
            }
            return err == E.EIDRM ? "the segment was removed" : null;
        }
    },
    SHMCTL_STAT("shmctl(IPC_STAT)", "shmctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == E.EINVAL || err == E.EIDRM ? E.NO_SEGMENT : null;
        }
    },
    SHMCTL_SET("shmctl(IPC_SET)", "shmctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == E.EINVAL || err == E.EIDRM ? E.NO_SEGMENT : err == Errno.EPERM ? E.NOT_OWNER : null;
        }
    },
    SHMCTL_RMID("shmctl(IPC_RMID)", "shmctl(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == E.EINVAL || err == E.EIDRM ? E.NO_SEGMENT : err == Errno.EPERM ? E.NOT_OWNER : null;
        }
    },
    SHM_OPEN("shm_open", "shm_open(3)") {
        @Override
        public String hint(int err, long arg) {
            return err == E.EINVAL || err == E.ENAMETOOLONG ? "a name is \"/\" and 1 to 255 bytes (NAME_MAX) without '/'" : null;
        }
    },
    SHM_UNLINK("shm_unlink", "shm_open(3)"),
    MEMFD_CREATE("memfd_create", "memfd_create(2)"),
    FALLOCATE_HUGE_PAGES("posix_fallocate", "memfd_create(2)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == E.ENOSPC || err == E.ENOMEM || err == E.EINVAL) {
                return bytes + " bytes of huge pages are not free: vm.nr_hugepages is "
                        + Limits.sysctl("/proc/sys/vm/nr_hugepages") + " (" + HugePages.free()
                        + " free); reserve more with sysctl vm.nr_hugepages=N (see hugetlbpage in the kernel's docs)";
            }
            return null;
        }
    },
    OPEN("open", "open(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == E.ELOOP) {
                return "it is a symbolic link and NOFOLLOW_LINKS was given, or its path has too many links in a row";
            }
            if (err == E.EISDIR) {
                return "a directory opens for reading only";
            }
            if (err == Errno.ENXIO) {
                return "no such device behind the file (a device without its driver, /dev/tty without a controlling"
                        + " terminal), or it is a Unix socket's file, which is reached with IpcSocket.connected";
            }
            return null;
        }
    },
    READ("read", "read(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == E.ETIMEDOUT) {
                return "the socket's receive timeout (SO_RCVTIMEO, set by whoever made it) ran out";
            }
            return err == E.EISDIR ? "a directory has no bytes to read: list it with Files.list, or pass it on" : null;
        }
    },
    WRITE("write", "write(2)"),
    FALLOCATE("posix_fallocate", "posix_fallocate(3)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == E.ENOSPC) {
                return "the file system has no room for " + bytes + " bytes (for POSIX shared memory: the tmpfs at"
                        + " /dev/shm; see df /dev/shm, remove unused objects or remount it with a larger size=)";
            }
            if (err == Errno.EPERM) {
                return "a seal (F_SEAL_GROW) forbids growing it";
            }
            if (err == E.EBADF) {
                return "its descriptor was opened read-only, and growing it writes";
            }
            if (err == E.EFBIG) {
                return "the window would end past the largest file this file system allows";
            }
            if (err == E.ENODEV || err == E.ESPIPE) {
                return "it is no file that holds data (a file of /proc, /sys or another file system of kernel state,"
                        + " into which nothing was written; a pipe; a device): only regular files can be mapped (a file"
                        + " on disk or on a tmpfs)";
            }
            return null;
        }
    },
    FSTAT("fstat", "fstat(2)"),
    SET_CLOEXEC("fcntl(F_SETFD)", "fcntl(2)"),
    ADD_SEALS("fcntl(F_ADD_SEALS)", "memfd_create(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == E.EBUSY) {
                return "a writable shared mapping of it exists (in this or another process); a read-only region"
                        + " mapped from a read-write descriptor counts too, since mprotect(2) could make it writable;"
                        + " close those regions before sealing writes, and map read-only after sealing";
            }
            if (err == Errno.EPERM) {
                return "it is sealed against further seals (F_SEAL_SEAL), which a memfd made without"
                        + " MFD_ALLOW_SEALING is from the start";
            }
            return null;
        }
    },
    GET_SEALS("fcntl(F_GET_SEALS)", "memfd_create(2)"),
    MMAP("mmap", "mmap(2)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == Errno.EPERM) {
                return "a seal forbids writing (map it read-only)";
            }
            if (err == Errno.EACCES) {
                return "the descriptor was opened read-only (map it read-only)";
            }
            if (err == Errno.ENOMEM) {
                return "no address space or mapping left for " + bytes + " bytes (vm.max_map_count is "
                        + Limits.sysctl("/proc/sys/vm/max_map_count") + ")";
            }
            if (err == E.ENODEV) {
                return "its file system cannot map files (a file of /proc, /sys or another file system of kernel"
                        + " state, which holds no data to map)";
            }
            return null;
        }
    },
    MLOCK("mlock", "mlock(2)") {
        @Override
        public String hint(int err, long bytes) {
            if (err == Errno.ENOMEM || err == Errno.EAGAIN || err == Errno.EPERM) {
                return "locking " + bytes + " bytes exceeds RLIMIT_MEMLOCK (ulimit -l, " + Limits.softLimit("Max locked memory") + " bytes"
                        + "); raise it (ulimit -l, limits.conf, systemd LimitMEMLOCK=) or grant CAP_IPC_LOCK";
            }
            return null;
        }
    },
    MSYNC("msync", "msync(2)"),
    MUNMAP("mmap(MAP_FIXED)", "mmap(2)");

    private final String name;
    private final String manPage;

    ShmCall(String name, String manPage) {
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


    /** errno values only these calls need, read from native code on first use. */
    private static final class E {
        static final int ELOOP = FileNative.ELOOP();
        static final int EISDIR = FileNative.EISDIR();
        static final int ENOSPC = SysvShmNative.ENOSPC();
        static final int EINVAL = SysvShmNative.EINVAL();
        static final int ENOMEM = SysvShmNative.ENOMEM();
        static final int EIDRM = SysvShmNative.EIDRM();
        static final int EBUSY = ShmNative.EBUSY();
        static final String NO_SEGMENT = "no segment has this id: it was removed (IPC_RMID) and its last attachment"
                + " ended, or it never existed; ipcs -m lists those that exist";
        static final int ENAMETOOLONG = MqNative.ENAMETOOLONG();
        static final int EFBIG = MmapNative.EFBIG();
        static final int ENODEV = MmapNative.ENODEV();
        static final int ESPIPE = MmapNative.ESPIPE();
        static final int EBADF = MqNative.EBADF();
        static final int ETIMEDOUT = io.github.jipc.internal.jni.SocketNative.ETIMEDOUT();
        static final String NOT_OWNER = "only the segment's owner or creator, or a process with CAP_SYS_ADMIN, may"
                + " change or remove it (ipcs -m -c lists both)";

        private E() {}
    }
}
