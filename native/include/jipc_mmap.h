/*
 * jipc_mmap.h - mappings of files, shared memory objects and memfds, and the
 * safe end of any mapping (System V attaches included). See mmap(2),
 * msync(2), mlock(2).
 *
 * Any window of a file can be mapped: the shim aligns the offset down to a
 * page and reports how far into the mapping the window starts.
 *
 * Ending a mapping that a JVM may still reach through a ByteBuffer: plain
 * munmap would let a stale access kill the JVM with SIGSEGV, or write into
 * whatever is mapped at that address next. jipc_unmap_safe replaces the range,
 * in one call, with private anonymous memory: the object (and a System V
 * attach) is released at once, stale reads see zeros, stale writes land in
 * private memory. jipc_munmap frees that placeholder once nothing can reach it.
 */
#ifndef JIPC_MMAP_H
#define JIPC_MMAP_H

#include "jipc_common.h"

#include <sys/mman.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mapping kinds for jipc_mmap(): shared or private (copy-on-write). */
#define JIPC_MAP_SHARED 0
#define JIPC_MAP_PRIVATE 1
/* Option bits for jipc_mmap(). */
#define JIPC_MAP_READ_ONLY 1 /* PROT_READ only; else PROT_READ | PROT_WRITE */
#define JIPC_MAP_POPULATE 2  /* MAP_POPULATE: fault every page in now */
#define JIPC_MAP_LOCK 4      /* mlock(2) the pages (RLIMIT_MEMLOCK applies) */

/* The system's page size in bytes. */
JIPC_API long jipc_page_size(void);

/*
 * The page-aligned span that maps length bytes from offset, with pages of
 * page bytes (a power of two): out[0] the distance from the aligned start to
 * offset, out[1] the span's length (out[0] + length). -EINVAL for a negative
 * offset, a length below 1 or a bad page size; -EOVERFLOW when the span does
 * not fit a long. Pure: fuzzed by native/fuzz/fuzz_sizes.c.
 */
JIPC_API int jipc_map_span(long offset, long length, long page, long out[2]);

/*
 * Maps length bytes of fd from offset (any offset: it is aligned down to a
 * page here, a huge page for a file on hugetlbfs). out[0] receives the base
 * of the mapping (page-aligned), out[1] the distance from the base to
 * offset's byte, out[2] the mapping's length (out[1] + length, rounded up to
 * the huge page on hugetlbfs, whose mappings are unmapped whole only): pass
 * base and that length to msync, unmap and munmap.
 */
JIPC_API int jipc_mmap(int fd, long offset, long length, int kind, int options, long out[3]);

/*
 * Reserves the space of [offset, offset + length) of fd (posix_fallocate(3)),
 * extending the file if it is shorter: a full disk is -ENOSPC here instead of
 * a SIGBUS when a page of a hole is first written through a mapping. -ENODEV,
 * writing nothing, for a file of a file system of kernel state (procfs,
 * sysfs, cgroupfs, efivarfs...), where posix_fallocate's fallback would write
 * a byte into it, which such a file takes as a command.
 */
JIPC_API int jipc_file_reserve(int fd, long offset, long length);

/* mlock(2) of [addr, addr + len). */
JIPC_API int jipc_mlock(void *addr, long len);

/* msync(2) of [addr, addr + len) (addr page-aligned): MS_SYNC when sync, else MS_ASYNC. */
JIPC_API int jipc_msync(void *addr, long len, int sync);

/*
 * Ends the mapping at [addr, addr + len) by replacing it with a private
 * anonymous placeholder (MAP_FIXED | MAP_NORESERVE, read-write). After this a
 * System V attach at addr must not be shmdt'ed: it is gone already.
 */
JIPC_API int jipc_unmap_safe(void *addr, long len);

/* munmap(2): for the placeholder, once nothing can reach it any more. */
JIPC_API int jipc_munmap(void *addr, long len);

/*
 * memcpy(3) of length bytes from array[at] to dst, and from src to
 * array[at]: the C library's copy for large transfers between a Java array
 * (held in a JNI critical region by the binding) and mapped memory. The
 * caller has checked both ranges.
 */
JIPC_API void jipc_copy_in(void *dst, const signed char *array, int at, int length);
JIPC_API void jipc_copy_out(const void *src, signed char *array, int at, int length);

#ifdef __cplusplus
}
#endif

#endif
