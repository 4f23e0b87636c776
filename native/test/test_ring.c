#include "jipc_ring.h"
#include "jipc_test.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAP 4096u

static void *shared(size_t n)
{
    void *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

static uint32_t mix(uint64_t seq)
{
    uint64_t x = seq * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

/* Message seq: 8-byte seq, then bytes derived from it; length from seq too. */
static uint32_t length_of(uint64_t seq, uint32_t max)
{
    uint32_t n = mix(seq) % (max + 1);
    return n < 8 ? 8 : n;
}

static void fill(uint8_t *p, uint64_t seq, uint32_t n)
{
    memcpy(p, &seq, 8);
    for (uint32_t i = 8; i < n; i++)
        p[i] = (uint8_t)(seq + i);
}

static int check(const uint8_t *p, uint64_t seq, uint32_t n)
{
    uint64_t s;
    memcpy(&s, p, 8);
    if (s != seq)
        return 0;
    for (uint32_t i = 8; i < n; i++)
        if (p[i] != (uint8_t)(seq + i))
            return 0;
    return 1;
}

/*
 * The ring most tests start from: a fresh one of CAP bytes in shared memory
 * (max_message, kind) with handles p and c attached (either may be NULL),
 * neither in the consumer role. *m stays NULL if a step fails (reported).
 */
static void make_ring(uint8_t **m, uint32_t max_message, int kind, jipc_ring *p, jipc_ring *c)
{
    uint8_t *mem = shared(jipc_ring_size(CAP));
    CHECK(mem != NULL);
    CHECK_EQ(0, jipc_ring_init(mem, jipc_ring_size(CAP), CAP, max_message, kind));
    if (p != NULL)
        CHECK_EQ(0, jipc_ring_attach(p, mem, jipc_ring_size(CAP)));
    if (c != NULL)
        CHECK_EQ(0, jipc_ring_attach(c, mem, jipc_ring_size(CAP)));
    *m = mem;
}

static uint8_t *setup_ring(uint32_t max_message, int kind, jipc_ring *p, jipc_ring *c)
{
    uint8_t *m = NULL;
    make_ring(&m, max_message, kind, p, c); /* its CHECKs return from it, not from the test */
    return m;
}

static void unmap_ring(uint8_t *m)
{
    munmap(m, jipc_ring_size(CAP));
}

static void init_and_attach(void)
{
    uint8_t *m = shared(jipc_ring_size(CAP));
    jipc_ring r;
    CHECK_EQ(-EINVAL, jipc_ring_attach(&r, m, jipc_ring_size(CAP)));
    CHECK_EQ(-EINVAL, jipc_ring_init(m, jipc_ring_size(CAP), 1000, 100, JIPC_RING_SPSC));
    CHECK_EQ(-EINVAL, jipc_ring_init(m, jipc_ring_size(CAP), CAP, CAP, JIPC_RING_SPSC));
    CHECK_EQ(-EINVAL, jipc_ring_init(m, jipc_ring_size(CAP), CAP, 0, JIPC_RING_SPSC));
    CHECK_EQ(-EINVAL, jipc_ring_init(m, jipc_ring_size(CAP), CAP, 100, 7));
    CHECK_EQ(-EINVAL, jipc_ring_init(m + 8, jipc_ring_size(CAP), CAP, 100, JIPC_RING_SPSC));
    CHECK_EQ(-EINVAL, jipc_ring_init(m, jipc_ring_size(CAP) - 1, CAP, 100, JIPC_RING_SPSC));
    CHECK_EQ(0, jipc_ring_init(m, jipc_ring_size(CAP), CAP, CAP - 16, JIPC_RING_SPSC));
    CHECK_EQ(-ENOSPC, jipc_ring_attach(&r, m, jipc_ring_size(CAP) - 1));
    CHECK_EQ(0, jipc_ring_attach(&r, m, jipc_ring_size(CAP)));
    CHECK_EQ(CAP, r.capacity);
    CHECK_EQ(CAP - 16, r.max_message);
    unmap_ring(m);
}

static void order_wrap_padding_and_misuse(void)
{
    jipc_ring p, c;
    uint8_t *m = setup_ring(1000, JIPC_RING_SPSC, &p, &c);
    CHECK(m != NULL);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    const void *in;
    void *out;
    CHECK_EQ(-EAGAIN, jipc_ring_read(&c, &in));
    CHECK_EQ(-EINVAL, jipc_ring_release(&c));
    CHECK_EQ(-EINVAL, jipc_ring_commit(&p));
    CHECK_EQ(-EMSGSIZE, jipc_ring_claim(&p, 1001, &out));
    /* 3 rounds of the ring with 1000-byte records: padding at every wrap. */
    uint64_t written = 0, read = 0;
    while (read < 40) {
        while (jipc_ring_claim(&p, length_of(written, 1000), &out) == 0) {
            CHECK_EQ(-EALREADY, jipc_ring_claim(&p, 8, &out));
            fill(out, written, length_of(written, 1000));
            CHECK_EQ(0, jipc_ring_commit(&p));
            written++;
        }
        CHECK(written > read);
        int n;
        while ((n = jipc_ring_read(&c, &in)) >= 0) {
            CHECK_EQ(length_of(read, 1000), n);
            CHECK(check(in, read, (uint32_t)n));
            CHECK_EQ(-EALREADY, jipc_ring_read(&c, &in));
            CHECK_EQ(0, jipc_ring_release(&c));
            CHECK_EQ(-EINVAL, jipc_ring_release(&c));
            read++;
        }
        CHECK_EQ(-EAGAIN, n);
    }
    CHECK_EQ(written, read);
    /* Zero-length messages. */
    CHECK_EQ(0, jipc_ring_claim(&p, 0, &out));
    CHECK_EQ(0, jipc_ring_commit(&p));
    CHECK_EQ(0, jipc_ring_read(&c, &in));
    CHECK_EQ(0, jipc_ring_release(&c));
    /* A second consumer is refused while this one lives. */
    jipc_ring c2;
    CHECK_EQ(0, jipc_ring_attach(&c2, m, jipc_ring_size(CAP)));
    CHECK_EQ(-EBUSY, jipc_ring_consumer_attach(&c2));
    jipc_ring_consumer_detach(&c);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c2));
    unmap_ring(m);
}

static void corrupt_header(void)
{
    jipc_ring p, c;
    uint8_t *m = setup_ring(100, JIPC_RING_SPSC, &p, &c);
    CHECK(m != NULL);
    void *out;
    const void *in;
    CHECK_EQ(0, jipc_ring_claim(&p, 10, &out));
    CHECK_EQ(0, jipc_ring_commit(&p));
    *(uint32_t *)(m + JIPC_RING_HEADER_LENGTH) = 5000; /* length above max_message */
    CHECK_EQ(-EBADMSG, jipc_ring_read(&c, &in));
    unmap_ring(m);
}

/* A tail or head that no ring code wrote (not on a record boundary) is refused, never indexed. */
static void misaligned_positions_are_refused(void)
{
    jipc_ring p, c;
    uint8_t *m = setup_ring(100, JIPC_RING_SPSC, &p, &c);
    CHECK(m != NULL);
    void *out;
    __atomic_store_n((uint64_t *)(m + JIPC_RING_OFF_TAIL), (uint64_t)CAP - 8, __ATOMIC_RELEASE);
    CHECK_EQ(-EBADMSG, jipc_ring_claim(&p, 10, &out));
    __atomic_store_n((uint64_t *)(m + JIPC_RING_OFF_TAIL), 0, __ATOMIC_RELEASE);
    __atomic_store_n((uint64_t *)(m + JIPC_RING_OFF_HEAD), 8, __ATOMIC_RELEASE);
    CHECK_EQ(-EBADMSG, jipc_ring_consumer_attach(&c));
    __atomic_store_n((uint64_t *)(m + JIPC_RING_OFF_HEAD), 0, __ATOMIC_RELEASE);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c)); /* the refused attach gave the role back */
    CHECK_EQ(0, jipc_ring_claim(&p, 10, &out));
    CHECK_EQ(0, jipc_ring_commit(&p));
    const void *in;
    CHECK_EQ(10, jipc_ring_read(&c, &in));
    unmap_ring(m);
}

struct producer_arg {
    uint8_t *mem;
    uint32_t id;
    uint32_t count;
};

static void *mpsc_producer(void *arg)
{
    struct producer_arg *a = arg;
    jipc_ring p;
    jipc_ring_attach(&p, a->mem, jipc_ring_size(CAP));
    for (uint32_t i = 0; i < a->count; i++) {
        void *out;
        uint64_t tag = ((uint64_t)a->id << 32) | i;
        uint32_t n = length_of(tag, 200);
        if (jipc_ring_claim_wait(&p, n, &out, 100000, 10000000000LL) != 0)
            return (void *)1;
        fill(out, tag, n);
        jipc_ring_commit(&p);
    }
    return NULL;
}

static void mpsc_threads_keep_per_producer_order(void)
{
    jipc_ring c;
    uint8_t *m = setup_ring(200, JIPC_RING_MPSC, NULL, &c);
    CHECK(m != NULL);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    enum { PRODUCERS = 3, EACH = 100000 };
    struct producer_arg a[PRODUCERS];
    pthread_t t[PRODUCERS];
    for (uint32_t i = 0; i < PRODUCERS; i++) {
        a[i] = (struct producer_arg){ m, i, EACH };
        pthread_create(&t[i], NULL, mpsc_producer, &a[i]);
    }
    uint32_t next[PRODUCERS] = { 0 };
    for (uint32_t got = 0; got < PRODUCERS * EACH; got++) {
        const void *in;
        int n = jipc_ring_read_wait(&c, &in, 50000, 10000000000LL);
        CHECK(n >= 8);
        uint64_t tag;
        memcpy(&tag, in, 8);
        uint32_t id = (uint32_t)(tag >> 32);
        CHECK(id < PRODUCERS);
        CHECK_EQ(next[id], (uint32_t)tag);
        CHECK_EQ(length_of(tag, 200), n);
        CHECK(check(in, tag, (uint32_t)n));
        next[id]++;
        jipc_ring_release(&c);
    }
    for (int i = 0; i < PRODUCERS; i++) {
        void *r;
        pthread_join(t[i], &r);
        CHECK(r == NULL);
    }
    unmap_ring(m);
}

static void dead_claimer_is_skipped(void)
{
    jipc_ring p, c;
    uint8_t *m = setup_ring(200, JIPC_RING_MPSC, &p, &c);
    CHECK(m != NULL);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    uint32_t *claimed = shared(4096);
    pid_t child = fork();
    if (child == 0) {
        jipc_ring q;
        void *out;
        jipc_ring_attach(&q, m, jipc_ring_size(CAP));
        jipc_ring_claim(&q, 100, &out);
        __atomic_store_n(claimed, 1, __ATOMIC_SEQ_CST);
        pause(); /* killed mid-claim */
        _exit(0);
    }
    while (__atomic_load_n(claimed, __ATOMIC_SEQ_CST) == 0)
        usleep(1000);
    void *out;
    CHECK_EQ(0, jipc_ring_claim(&p, 16, &out));
    fill(out, 42, 16);
    jipc_ring_commit(&p);
    const void *in;
    CHECK_EQ(-ETIMEDOUT, jipc_ring_read_wait(&c, &in, 1000, 50000000LL)); /* the claim's producer lives */
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_EQ(16, jipc_ring_read_wait(&c, &in, 1000, 5000000000LL));
    CHECK(check(in, 42, 16));
    jipc_ring_release(&c);
    munmap(claimed, 4096);
    unmap_ring(m);
}

extern void (*jipc_ring_test_after_cas)(void);
static uint32_t *after_cas_flag;

static void stop_after_cas(void)
{
    __atomic_store_n(after_cas_flag, 1, __ATOMIC_SEQ_CST);
    pause(); /* killed here, between the compare-and-swap of tail and the header */
}

static void die_after_cas(void)
{
    raise(SIGKILL);
}

/* A child claims with the hook set; returns its pid once it stopped or died after the swap. */
static pid_t claim_in_child(uint8_t *m, uint32_t length, void (*hook)(void))
{
    __atomic_store_n(after_cas_flag, 0, __ATOMIC_SEQ_CST);
    pid_t child = fork();
    if (child == 0) {
        jipc_ring q;
        void *out;
        jipc_ring_attach(&q, m, jipc_ring_size(CAP));
        jipc_ring_test_after_cas = hook;
        jipc_ring_claim(&q, length, &out);
        _exit(3); /* not reached */
    }
    if (hook == stop_after_cas)
        while (__atomic_load_n(after_cas_flag, __ATOMIC_SEQ_CST) == 0)
            usleep(1000);
    return child;
}

static void produce(jipc_ring *p, uint64_t seq, uint32_t n)
{
    void *out;
    CHECK_EQ(0, jipc_ring_claim(p, n, &out));
    fill(out, seq, n);
    jipc_ring_commit(p);
}

static void expect(jipc_ring *c, uint64_t seq, uint32_t n)
{
    const void *in;
    CHECK_EQ((int)n, jipc_ring_read_wait(c, &in, 1000, 5000000000LL));
    CHECK(check(in, seq, n));
    jipc_ring_release(c);
}

/* A producer killed between its tail swap and its header stores: skipped by its intent. */
static void killed_after_swap_is_skipped(void)
{
    jipc_ring p, c;
    uint8_t *m = setup_ring(200, JIPC_RING_MPSC, &p, &c);
    CHECK(m != NULL);
    after_cas_flag = shared(4096);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    /* At position 0, with a live producer's slot taken: fresh slots hold no intent at 0. */
    jipc_ring idle;
    jipc_ring_attach(&idle, m, jipc_ring_size(CAP));
    produce(&idle, 0, 8);
    expect(&c, 0, 8);
    pid_t first = claim_in_child(m, 40, die_after_cas);
    waitpid(first, NULL, 0);
    produce(&p, 1, 16);
    /* Alive and stopped after the swap: the consumer waits for it. */
    pid_t child = claim_in_child(m, 100, stop_after_cas);
    produce(&p, 2, 24);
    expect(&c, 1, 16);
    const void *in;
    CHECK_EQ(-ETIMEDOUT, jipc_ring_read_wait(&c, &in, 1000, 50000000LL));
    CHECK_EQ(-EAGAIN, jipc_ring_read(&c, &in));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    expect(&c, 2, 24);
    /* Killed outright after the swap, the ring wrapping meanwhile: each time skipped. */
    for (uint64_t seq = 3; seq < 40; seq++) {
        child = claim_in_child(m, (uint32_t)(seq * 7 % 180), die_after_cas);
        int status;
        waitpid(child, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        produce(&p, seq, (uint32_t)(8 + seq % 100));
        expect(&c, seq, (uint32_t)(8 + seq % 100));
    }
    /* A dead loser of the race left an intent at the same position with another length. */
    child = claim_in_child(m, 64, die_after_cas);
    waitpid(child, NULL, 0);
    uint64_t h = c.head;
    int loser = -1;
    for (int i = 0; i < JIPC_RING_PRODUCER_SLOTS && loser < 0; i++)
        if (*(uint64_t *)(m + JIPC_RING_OFF_PRODUCERS + i * JIPC_RING_SLOT_LENGTH) == 0)
            loser = i;
    uint8_t *slot = m + JIPC_RING_OFF_PRODUCERS + loser * JIPC_RING_SLOT_LENGTH;
    *(uint64_t *)(slot + JIPC_RING_SLOT_POSITION) = h;
    *(uint32_t *)(slot + JIPC_RING_SLOT_RECORD) = 32;
    __atomic_store_n((uint64_t *)(slot + JIPC_RING_SLOT_OWNER), (uint64_t)child, __ATOMIC_RELEASE);
    produce(&p, 50, 40);
    expect(&c, 50, 40);
    munmap(after_cas_flag, 4096);
    unmap_ring(m);
}

/* Each multi-producer handle holds a slot while it lives: the 33rd live one is -EUSERS. */
static void producer_slots(void)
{
    jipc_ring c, p[JIPC_RING_PRODUCER_SLOTS + 1];
    uint8_t *m = setup_ring(200, JIPC_RING_MPSC, NULL, &c);
    CHECK(m != NULL);
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    for (int i = 0; i <= JIPC_RING_PRODUCER_SLOTS; i++)
        jipc_ring_attach(&p[i], m, jipc_ring_size(CAP));
    for (int i = 0; i < JIPC_RING_PRODUCER_SLOTS; i++) {
        produce(&p[i], (uint64_t)i, 8);
        expect(&c, (uint64_t)i, 8);
    }
    void *out;
    CHECK_EQ(-EUSERS, jipc_ring_claim(&p[JIPC_RING_PRODUCER_SLOTS], 8, &out));
    jipc_ring_producer_detach(&p[5]);
    produce(&p[JIPC_RING_PRODUCER_SLOTS], 99, 8);
    expect(&c, 99, 8);
    unmap_ring(m);
}

static void dead_consumer_is_seen(void)
{
    jipc_ring p;
    uint8_t *m = setup_ring(1000, JIPC_RING_SPSC, &p, NULL);
    CHECK(m != NULL);
    void *out;
    while (jipc_ring_claim(&p, 1000, &out) == 0)
        jipc_ring_commit(&p);
    /* Nobody attached yet: wait, since one may come. */
    CHECK_EQ(-ETIMEDOUT, jipc_ring_claim_wait(&p, 1000, &out, 1000, 20000000LL));
    pid_t child = fork();
    if (child == 0) {
        jipc_ring c;
        jipc_ring_attach(&c, m, jipc_ring_size(CAP));
        _exit(jipc_ring_consumer_attach(&c) == 0 ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(-EPIPE, jipc_ring_claim_wait(&p, 1000, &out, 1000, 5000000000LL));
    /* A consumer that left says so too, and its successor frees room. */
    jipc_ring c;
    jipc_ring_attach(&c, m, jipc_ring_size(CAP));
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    jipc_ring_consumer_detach(&c);
    CHECK_EQ(-EPIPE, jipc_ring_claim_wait(&p, 1000, &out, 1000, 5000000000LL));
    CHECK_EQ(-EPIPE, jipc_ring_claim_wait(&p, 1000, &out, 1LL << 62, 5000000000LL)); /* spinning only */
    CHECK_EQ(0, jipc_ring_consumer_attach(&c));
    const void *in;
    CHECK_EQ(1000, jipc_ring_read(&c, &in));
    jipc_ring_release(&c);
    CHECK_EQ(0, jipc_ring_claim_wait(&p, 1000, &out, 1000, 5000000000LL));
    unmap_ring(m);
}

struct sleeper {
    jipc_ring *r;
    int result;
};

static void *read_long(void *arg)
{
    struct sleeper *s = arg;
    const void *in;
    s->result = jipc_ring_read_wait(s->r, &in, 0, 10000000000LL);
    return NULL;
}

static void sleeping_consumer_is_woken(void)
{
    jipc_ring p, c;
    uint8_t *m = setup_ring(100, JIPC_RING_SPSC, &p, &c);
    CHECK(m != NULL);
    struct sleeper s = { &c, -1 };
    pthread_t t;
    pthread_create(&t, NULL, read_long, &s);
    while (__atomic_load_n((uint32_t *)(m + JIPC_RING_OFF_CONSUMER_SLEEPING), __ATOMIC_SEQ_CST) == 0)
        usleep(1000);
    usleep(10000);
    void *out;
    CHECK_EQ(0, jipc_ring_claim(&p, 5, &out));
    memcpy(out, "hello", 5);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    jipc_ring_commit(&p);
    pthread_join(t, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_EQ(5, s.result);
    CHECK((t1.tv_sec - t0.tv_sec) < 2);
    CHECK_EQ(0, *(uint32_t *)(m + JIPC_RING_OFF_CONSUMER_SLEEPING));
    unmap_ring(m);
}

/*
 * A claim that must wrap writes padding up to the ring's end, which only the
 * consumer's skipping frees: the sleeping consumer is woken for it, and the
 * claim waiting for room then goes through (both sides used to wait on).
 */
static void padding_wakes_a_sleeping_consumer(void)
{
    for (int kind = JIPC_RING_SPSC; kind <= JIPC_RING_MPSC; kind++) {
        jipc_ring p, c;
        uint8_t *m = setup_ring(3500, kind, &p, &c);
        CHECK(m != NULL);
        void *out;
        const void *in;
        CHECK_EQ(0, jipc_ring_claim(&p, 2000, &out));
        CHECK_EQ(0, jipc_ring_commit(&p));
        CHECK_EQ(2000, jipc_ring_read(&c, &in));
        CHECK_EQ(0, jipc_ring_release(&c)); /* the head is past the middle */
        struct sleeper s = { &c, -1 };
        pthread_t t;
        pthread_create(&t, NULL, read_long, &s);
        while (__atomic_load_n((uint32_t *)(m + JIPC_RING_OFF_CONSUMER_SLEEPING), __ATOMIC_SEQ_CST) == 0)
            usleep(1000);
        int rc = jipc_ring_claim_wait(&p, 3000, &out, 0, 5000000000LL);
        if (rc == 0)
            jipc_ring_commit(&p);
        pthread_join(t, NULL);
        CHECK_EQ(0, rc);
        CHECK_EQ(3000, s.result);
        jipc_ring_producer_detach(&p);
        unmap_ring(m);
    }
}

static void process_liveness(void)
{
    long long me = jipc_ring_process_start(getpid());
    CHECK(me > 0);
    CHECK_EQ(1, jipc_ring_process_alive(getpid(), me));
    CHECK_EQ(0, jipc_ring_process_alive(getpid(), me + 1));
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    siginfo_t info;
    CHECK_EQ(0, waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT)); /* exited, not reaped */
    CHECK_EQ(0, jipc_ring_process_alive(child, 0)); /* a zombie is dead */
    waitpid(child, NULL, 0);
    CHECK_EQ(0, jipc_ring_process_alive(child, 0));
    CHECK_EQ(0, jipc_ring_process_alive(0, 0));
}

int main(void)
{
    RUN(init_and_attach);
    RUN(order_wrap_padding_and_misuse);
    RUN(corrupt_header);
    RUN(misaligned_positions_are_refused);
    RUN(mpsc_threads_keep_per_producer_order);
    RUN(dead_claimer_is_skipped);
    RUN(killed_after_swap_is_skipped);
    RUN(producer_slots);
    RUN(dead_consumer_is_seen);
    RUN(sleeping_consumer_is_woken);
    RUN(padding_wakes_a_sleeping_consumer);
    RUN(process_liveness);
    TEST_EXIT();
}
