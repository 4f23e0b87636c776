/* Fuzz target: offsets and lengths of a mapping (jipc_map_span), from 24
 * arbitrary bytes: offset, length, and a page size (a power of two from the
 * low bits of the third word, or the word itself). Checks the contract: an
 * accepted span starts on a page, covers the window, and did not overflow. */
#include "jipc_mmap.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    long v[3] = { 0, 0, 0 };
    memcpy(v, data, size < sizeof v ? size : sizeof v);
    long page = (v[2] & 0x100) ? v[2] : 1L << (v[2] & 31);
    long span[2] = { -1, -1 };
    int r = jipc_map_span(v[0], v[1], page, span);
    int valid_page = page > 0 && (page & (page - 1)) == 0;
    if (v[0] < 0 || v[1] <= 0 || !valid_page) {
        if (r != -EINVAL)
            abort();
        return 0;
    }
    long delta = v[0] % page;
    if (v[1] > LONG_MAX - delta) {
        if (r != -EOVERFLOW)
            abort();
        return 0;
    }
    if (r != 0 || span[0] != delta || span[1] != delta + v[1] || (v[0] - span[0]) % page != 0)
        abort();
    return 0;
}
