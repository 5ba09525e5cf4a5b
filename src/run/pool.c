/* pool.c - a persistent pool of POSIX threads (see pool.h).
 *
 * The items of a job are dealt into one lane per member: lane l holds items
 * l, l + n, l + 2n, ... (n members).  A member empties its own lane first and
 * then helps with the others, so when every member is running, item i is
 * done by member i mod n in every job: the data an item writes stays in that
 * member's cache for the next job that touches it.
 *
 * Publishing job j of N items: fn, ctx are stored, then limit = (j, N), every
 * lane's ticket = (j, 0) (each a 32-bit job tag over a 32-bit count) and
 * finally the job counter = j.  A member claims the next item of a lane by a
 * compare-and-swap of its ticket from (j, k) to (j, k + 1); a tag that is no
 * longer j means the job is over, so a worker that wakes late can never run an
 * item of a finished job.  fn and ctx are read only after a successful claim,
 * while the caller is still waiting for that item, so they cannot change
 * underneath.  The caller waits for the done counter to reach N.  Both waits
 * are wait.h's.
 */
#if defined(__linux__)
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT */
#include <sched.h>
#else
#define _POSIX_C_SOURCE 200809L
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/pool.h"
#include "run/wait.h"

#define TAG(j) ((uint64_t)(uint32_t)(j) << 32)
#define COUNT(x) ((x) & 0xffffffffu)

/* One lane's ticket, alone in its cache line. */
typedef struct lane_ticket {
    _Alignas(64) _Atomic uint64_t next; /* (job, items of the lane claimed) */
} lane_ticket;

struct nni_pool {
    size_t n;                /* members, including the caller */
    nni_counter job;         /* the current job's number */
    nni_counter done;        /* items of the current job finished */
    _Atomic uint64_t limit;  /* (job, items in it) */
    lane_ticket *lanes;      /* n of them */
    atomic_int stop;         /* set before the last job change: workers exit */
    nni_pool_fn fn;          /* the current job */
    void *ctx;
    size_t started;          /* workers successfully created */
    pthread_t *threads;      /* n - 1 */
    struct worker *workers;  /* n - 1 */
};

typedef struct worker {
    nni_pool *pool;
    size_t id; /* 1..n-1 */
} worker;

size_t nni_cpu_count(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
    /* the processors this process may run on (taskset, cpusets), which can be
     * fewer than are online */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

size_t nni_pool_members(size_t requested, size_t items)
{
    size_t n = requested ? requested : nni_cpu_count();
    n = n < items ? n : items;
    return n ? n : 1;
}

/* Claims and runs items of job j until none are left: those of the member's
 * own lane first, then those of the others. */
static void work(nni_pool *p, unsigned long j, size_t member)
{
    uint64_t lim = atomic_load_explicit(&p->limit, memory_order_acquire);
    if ((lim & ~(uint64_t)0xffffffffu) != TAG(j))
        return;
    uint64_t n_items = COUNT(lim);
    for (size_t k = 0; k < p->n; k++) {
        size_t lane = (member + k) % p->n;
        _Atomic uint64_t *ticket = &p->lanes[lane].next;
        uint64_t cur = atomic_load_explicit(ticket, memory_order_acquire);
        for (;;) {
            /* the lane's next item: lane + n (claimed so far) */
            uint64_t item = lane + (uint64_t)p->n * COUNT(cur);
            if ((cur & ~(uint64_t)0xffffffffu) != TAG(j) || item >= n_items)
                break;
            if (!atomic_compare_exchange_weak_explicit(ticket, &cur, cur + 1,
                                                       memory_order_acq_rel,
                                                       memory_order_acquire))
                continue;
            p->fn(p->ctx, (size_t)item, member);
            nni_counter_add(&p->done, (unsigned long)n_items);
            cur = atomic_load_explicit(ticket, memory_order_acquire);
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    nni_pool *p = w->pool;
    unsigned long seen = 0;
    for (;;) {
        seen = nni_counter_wait_change(&p->job, seen);
        if (atomic_load_explicit(&p->stop, memory_order_acquire))
            return NULL;
        work(p, seen, w->id);
    }
}

void nni_pool_run(nni_pool *p, nni_pool_fn fn, void *ctx, size_t n_items)
{
    if (p->started == 0 || n_items == 1) {
        for (size_t i = 0; i < n_items; i++)
            fn(ctx, i, 0);
        return;
    }
    if (n_items == 0)
        return;
    unsigned long j = nni_counter_get(&p->job) + 1;
    p->fn = fn;
    p->ctx = ctx;
    nni_counter_reset(&p->done, 0);
    atomic_store_explicit(&p->limit, TAG(j) | (uint64_t)n_items, memory_order_release);
    for (size_t l = 0; l < p->n; l++)
        atomic_store_explicit(&p->lanes[l].next, TAG(j), memory_order_release);
    nni_counter_set(&p->job, j);
    work(p, j, 0);
    nni_counter_wait_equal(&p->done, (unsigned long)n_items);
}

size_t nni_pool_size(const nni_pool *p)
{
    return p->n;
}

/* Starts the n - 1 workers of p; on failure the pool is freed. */
static int start_workers(nni_pool *p, nn_error *err)
{
    for (size_t i = 0; i + 1 < p->n; i++) {
        p->workers[i] = (worker){.pool = p, .id = i + 1};
        int e = pthread_create(&p->threads[i], NULL, worker_main, &p->workers[i]);
        if (e != 0) {
            size_t n = p->n;
            nni_pool_free(p);
            return nn_fail(err, NN_ERR_NOMEM, "threads: cannot start thread %zu of %zu: %s",
                           i + 2, n, strerror(e));
        }
        p->started++;
    }
    return NN_OK;
}

int nni_pool_create(nni_pool **pool, size_t n, nn_error *err)
{
    *pool = NULL;
    if (n == 0)
        n = 1;
    nni_pool *p = calloc(1, sizeof *p);
    if (!p)
        return nn_fail(err, NN_ERR_NOMEM, "threads: out of memory for a pool of %zu threads", n);
    p->n = n;
    /* spin only when every member can have a processor of its own */
    unsigned spin = n <= nni_cpu_count() ? NNI_SPIN_NS : 0;
    nni_counter_init(&p->job, spin);
    nni_counter_init(&p->done, spin);
    atomic_init(&p->limit, 0);
    atomic_init(&p->stop, 0);
    size_t lane_bytes;
    if (n > 1 && !nni_size_mul(&lane_bytes, n, sizeof(lane_ticket))) {
        p->threads = nni_alloc(n - 1, sizeof *p->threads);
        p->workers = nni_alloc(n - 1, sizeof *p->workers);
        p->lanes = aligned_alloc(sizeof(lane_ticket), lane_bytes);
    }
    if (n > 1 && (!p->threads || !p->workers || !p->lanes)) {
        nni_pool_free(p);
        return nn_fail(err, NN_ERR_NOMEM, "threads: out of memory for %zu threads", n);
    }
    for (size_t l = 0; n > 1 && l < n; l++)
        atomic_init(&p->lanes[l].next, 0);
    int rc = n > 1 ? start_workers(p, err) : NN_OK;
    if (rc == NN_OK)
        *pool = p;
    return rc;
}

void nni_pool_free(nni_pool *p)
{
    if (!p)
        return;
    if (p->started) {
        atomic_store(&p->stop, 1);
        nni_counter_set(&p->job, nni_counter_get(&p->job) + 1);
        for (size_t i = 0; i < p->started; i++)
            pthread_join(p->threads[i], NULL);
    }
    nni_counter_destroy(&p->done);
    nni_counter_destroy(&p->job);
    free(p->lanes);
    free(p->workers);
    free(p->threads);
    free(p);
}
