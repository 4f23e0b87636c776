/* Fuzz target: names from untrusted input. The first byte picks the check:
 * a POSIX IPC name (jipc_ipc_name_check, with a limit from the second byte)
 * or a socket address (jipc_sockaddr_check); the rest is the name or the
 * address bytes. Each verdict is compared with a plain restatement of the
 * rule. */
#include "jipc_common.h"
#include "jipc_socket.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void ipc_name(const unsigned char *data, size_t size)
{
    int max = size > 0 ? 1 + data[0] : 255;
    const unsigned char *bytes = size > 0 ? data + 1 : data;
    size_t len = size > 0 ? size - 1 : 0;
    char *name = malloc(len + 1); /* NUL-terminated, as the shims receive names */
    if (name == NULL)
        return;
    memcpy(name, bytes, len);
    name[len] = '\0';
    int r = jipc_ipc_name_check(name, max);
    size_t n = strlen(name);
    /* The check reads at most max + 2 bytes: a '/' further on is beyond its sight. */
    size_t seen = n - 1 < (size_t)max + 1 ? n - 1 : (size_t)max + 1;
    int slash = n > 1 && memchr(name + 1, '/', seen) != NULL;
    int dots = strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0;
    int expected = n < 2 || name[0] != '/' || slash || dots ? -EINVAL : n - 1 > (size_t)max ? -ENAMETOOLONG : 0;
    if (r != expected)
        abort();
    free(name);
}

static void socket_address(const unsigned char *data, size_t size)
{
    void *addr = malloc(size > 0 ? size : 1); /* exact size: a read past it is reported */
    if (addr == NULL)
        return;
    memcpy(addr, data, size);
    int r = jipc_sockaddr_check(addr, (int)size);
    sa_family_t family = 0;
    if (size >= sizeof family)
        memcpy(&family, data, sizeof family);
    if (r == 0 && family == AF_UNIX) {
        size_t at = offsetof(struct sockaddr_un, sun_path);
        if (size > sizeof(struct sockaddr_un))
            abort();
        /* An accepted path has no NUL before its last byte. */
        if (size > at && data[at] != 0) {
            const unsigned char *nul = memchr(data + at, 0, size - at);
            if (nul != NULL && nul != data + size - 1)
                abort();
        }
    }
    free(addr);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        ipc_name(data + 1, size - 1);
    else
        socket_address(data + 1, size - 1);
    return 0;
}
