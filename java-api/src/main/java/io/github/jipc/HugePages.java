package io.github.jipc;

import io.github.jipc.internal.Limits;

/** The huge pages of this machine, from {@code /proc/meminfo}. */
final class HugePages {
    private HugePages() {}

    /** The default huge page size in bytes, 0 if none. */
    static long size() {
        long kib = Limits.meminfo("Hugepagesize");
        return kib > 0 ? kib * 1024 : 0;
    }

    /**
     * The huge page size, or an UnsupportedOperationException naming what to
     * use instead on a kernel that has none.
     */
    static long requireSize(String instead) {
        long size = size();
        if (size <= 0) {
            throw new UnsupportedOperationException("this kernel has no huge pages (no Hugepagesize in /proc/meminfo):"
                    + " it was built without CONFIG_HUGETLBFS, or runs where they are not offered; use " + instead);
        }
        return size;
    }

    /** How many huge pages are free now, or -1 when unknown. */
    static long free() {
        return Limits.meminfo("HugePages_Free");
    }
}
