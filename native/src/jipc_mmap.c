#include "jipc_mmap.h"

#include <limits.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

long jipc_page_size(void)
{
    return sysconf(_SC_PAGESIZE);
}

int jipc_map_span(long offset, long length, long page, long out[2])
{
    if (offset < 0 || length <= 0 || page <= 0 || (page & (page - 1)) != 0)
        return -EINVAL;
    long delta = offset & (page - 1);
    if (length > LONG_MAX - delta)
        return -EOVERFLOW;
    out[0] = delta;
    out[1] = delta + length;
    return 0;
}

/* The page size of fd's mappings: a huge page for a file on hugetlbfs (an MFD_HUGETLB memfd too). */
static long page_of(int fd)
{
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0 && fs.f_type == HUGETLBFS_MAGIC && fs.f_bsize > 0)
        return (long)fs.f_bsize;
    return jipc_page_size();
}

int jipc_mmap(int fd, long offset, long length, int kind, int options, long out[3])
{
    if (kind != JIPC_MAP_SHARED && kind != JIPC_MAP_PRIVATE)
        return -EINVAL;
    long page = page_of(fd);
    long span[2];
    int bad = jipc_map_span(offset, length, page, span);
    if (bad < 0)
        return bad;
    if (page != jipc_page_size()) {
        /* Huge pages: the kernel maps whole ones, and unmapping (or replacing, at close) less
         * than the whole mapping fails, so the mapping's recorded length is rounded up too. */
        if (span[1] > LONG_MAX - (page - 1))
            return -EOVERFLOW;
        span[1] = (span[1] + page - 1) & ~(page - 1);
    }
    long delta = span[0];
    int prot = (options & JIPC_MAP_READ_ONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
    int flags = kind == JIPC_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE;
    if (options & JIPC_MAP_POPULATE)
        flags |= MAP_POPULATE;
    size_t len = (size_t)span[1];
    void *p = mmap(NULL, len, prot, flags, fd, (off_t)(offset - delta));
    if (p == MAP_FAILED)
        return -errno;
    if ((options & JIPC_MAP_LOCK) && mlock(p, len) < 0) {
        int err = errno;
        munmap(p, len);
        return -err;
    }
    out[0] = (long)(intptr_t)p;
    out[1] = delta;
    out[2] = (long)len;
    return 0;
}

/* Whether fd's file system presents kernel state as files (procfs, sysfs and their kin): there a
 * write is a command, and posix_fallocate, finding no fallocate(2), would emulate it by writing a
 * zero byte into the file (emptying /proc/sys/kernel/core_pattern, say). */
static int is_kernel_interface(int fd)
{
    static const unsigned long kinds[] = {
        PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC, SECURITYFS_MAGIC, SELINUX_MAGIC,
        SMACK_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, EFIVARFS_MAGIC, PSTOREFS_MAGIC,
        BINFMTFS_MAGIC, DEVPTS_SUPER_MAGIC, NSFS_MAGIC, BPF_FS_MAGIC,
    };
    struct statfs fs;
    if (fstatfs(fd, &fs) < 0)
        return 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if ((unsigned long)fs.f_type == kinds[i])
            return 1;
    }
    return 0;
}

int jipc_file_reserve(int fd, long offset, long length)
{
    if (offset < 0 || length <= 0)
        return -EINVAL;
    if (is_kernel_interface(fd))
        return -ENODEV; /* nothing to map there, and nothing may be written to find that out */
    int r;
    do
        r = posix_fallocate(fd, (off_t)offset, (off_t)length); /* returns the error number */
    while (r == EINTR);
    return -r;
}

int jipc_mlock(void *addr, long len)
{
    return mlock(addr, (size_t)len) == 0 ? 0 : -errno;
}

int jipc_msync(void *addr, long len, int sync)
{
    return msync(addr, (size_t)len, sync ? MS_SYNC : MS_ASYNC) == 0 ? 0 : -errno;
}

int jipc_unmap_safe(void *addr, long len)
{
    void *p = mmap(addr, (size_t)len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

int jipc_munmap(void *addr, long len)
{
    return munmap(addr, (size_t)len) == 0 ? 0 : -errno;
}

void jipc_copy_in(void *dst, const signed char *array, int at, int length)
{
    memcpy(dst, array + at, (size_t)length);
}

void jipc_copy_out(const void *src, signed char *array, int at, int length)
{
    memcpy(array + at, src, (size_t)length);
}
