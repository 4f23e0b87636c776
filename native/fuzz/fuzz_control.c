/* Fuzz target: received control messages (SCM_RIGHTS, SCM_CREDENTIALS) as
 * arbitrary bytes, walked by jipc_sockmsg_parse_control. Every descriptor
 * counted must lie in the buffer, so the count is bounded by its size. */
#include "jipc_sockmsg.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    /* An exact-size heap copy, so that AddressSanitizer sees any read past its end. */
    unsigned char *control = malloc(size > 0 ? size : 1);
    if (control == NULL)
        return 0;
    memcpy(control, data, size);
    int meta[JIPC_META_FDS] = { 0 };
    int fds[8];
    int cap = size > 0 ? (int)(data[0] % 9) : 0;
    int n = jipc_sockmsg_parse_control(control, (long)size, meta, fds, cap);
    if (n < 0 || (size_t)n > size / sizeof(int))
        abort();
    free(control);
    return 0;
}
