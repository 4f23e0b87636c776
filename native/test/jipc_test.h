/* A minimal check harness for the shim tests: each test is a function; CHECK
 * reports the failing expression with its file and line and fails the run. */
#ifndef JIPC_TEST_H
#define JIPC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int jipc_test_failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            jipc_test_failures++;                                              \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_EQ(expected, actual)                                             \
    do {                                                                       \
        long long e_ = (long long)(expected), a_ = (long long)(actual);        \
        if (e_ != a_) {                                                        \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__,  \
                    __LINE__, #actual, e_, a_);                                \
            jipc_test_failures++;                                              \
            return;                                                            \
        }                                                                      \
    } while (0)

#define RUN(test)                                                              \
    do {                                                                       \
        int before_ = jipc_test_failures;                                      \
        test();                                                                \
        printf("%s %s\n", jipc_test_failures == before_ ? "ok  " : "FAIL",     \
               #test);                                                         \
    } while (0)

#define TEST_EXIT() return jipc_test_failures == 0 ? 0 : 1

#endif
