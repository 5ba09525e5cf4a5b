/* pool.c - a persistent team of POSIX threads (see pool.h).
 *
 * The items of a job are dealt into one lane per member: lane l holds items
 * l, l + n, l + 2n, ... (n members).  A member empties its own lane first and
 * then helps with the others, so when every member is running, item i is
 * done by member i mod n in every job: the data an item writes stays in that
 * member's cache for the next job that touches it.
 *
 * Publishing job j of N items: fn, ctx are stored, then limit = (j, N), every
 * lane's ticket = (j, 0) (each a 32-bit job tag over a 32-bit count) and
 * finally gen = j.  A member claims the next item of a lane by a
 * compare-and-swap of its ticket from (j, k) to (j, k + 1); a tag that is no
 * longer j means the job is over, so a worker that wakes late can never run an
 * item of a finished job.  fn and ctx are read only after a successful claim,
 * while the caller is still waiting for that item, so they cannot change
 * underneath.  The caller waits for done = N.  Both waits spin for a bounded
 * number of rounds before they block on the mutex and condition variables.
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

/* Rounds of spinning before a wait blocks: a pause is some 20-40 ns on
 * current x86 cores, so this is 50-100 microseconds, longer than the gap
 * between two jobs of a training step and short enough not to starve other
 * programs on a busy machine. */
#define SPIN_ROUNDS 2500u

#define TAG(j) ((uint64_t)(uint32_t)(j) << 32)
#define COUNT(x) ((x) & 0xffffffffu)

/* One lane's ticket, alone in its cache line. */
typedef struct lane_ticket {
    _Alignas(64) _Atomic uint64_t next; /* (job, items of the lane claimed) */
} lane_ticket;

struct nn_team {
    size_t n;                /* members, including the caller */
    unsigned spin;           /* spin rounds before blocking; 0 if oversubscribed */
    atomic_ulong gen;        /* the current job number */
    _Atomic uint64_t limit;  /* (job, items in it) */
    lane_ticket *lanes;      /* n of them */
    atomic_size_t done;      /* items of the current job finished */
    atomic_int sleepers;     /* workers blocked on start_cv */
    atomic_int stop;         /* set before the last gen change: workers exit */
    nn_team_fn fn;           /* the current job */
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t start_cv; /* gen changed */
    pthread_cond_t done_cv;  /* done reached the item count */
    size_t started;          /* workers successfully created */
    pthread_t *threads;      /* n - 1 */
    struct worker *workers;  /* n - 1 */
};

typedef struct worker {
    nn_team *team;
    size_t id; /* 1..n-1 */
} worker;

size_t nn_cpu_count(void)
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

void nn_cpu_relax(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_ia32_pause();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("yield");
#endif
}

/* Claims and runs items of job j until none are left: those of the member's
 * own lane first, then those of the others. */
static void work(nn_team *t, unsigned long j, size_t member)
{
    uint64_t lim = atomic_load_explicit(&t->limit, memory_order_acquire);
    if ((lim & ~(uint64_t)0xffffffffu) != TAG(j))
        return;
    uint64_t n_items = COUNT(lim);
    for (size_t k = 0; k < t->n; k++) {
        size_t lane = (member + k) % t->n;
        _Atomic uint64_t *ticket = &t->lanes[lane].next;
        uint64_t cur = atomic_load_explicit(ticket, memory_order_acquire);
        for (;;) {
            /* the lane's next item: lane + n (claimed so far) */
            uint64_t item = lane + (uint64_t)t->n * COUNT(cur);
            if ((cur & ~(uint64_t)0xffffffffu) != TAG(j) || item >= n_items)
                break;
            if (!atomic_compare_exchange_weak_explicit(ticket, &cur, cur + 1,
                                                       memory_order_acq_rel,
                                                       memory_order_acquire))
                continue;
            t->fn(t->ctx, (size_t)item, member);
            if (atomic_fetch_add_explicit(&t->done, 1, memory_order_acq_rel) + 1 == n_items &&
                member != 0) {
                pthread_mutex_lock(&t->mu);
                pthread_cond_signal(&t->done_cv);
                pthread_mutex_unlock(&t->mu);
            }
            cur = atomic_load_explicit(ticket, memory_order_acquire);
        }
    }
}

/* Waits until gen differs from seen and returns its new value. */
static unsigned long wait_for_job(nn_team *t, unsigned long seen)
{
    unsigned long g;
    for (unsigned i = 0; i < t->spin; i++) {
        g = atomic_load_explicit(&t->gen, memory_order_acquire);
        if (g != seen)
            return g;
        nn_cpu_relax();
    }
    pthread_mutex_lock(&t->mu);
    atomic_fetch_add(&t->sleepers, 1);
    while ((g = atomic_load(&t->gen)) == seen)
        pthread_cond_wait(&t->start_cv, &t->mu);
    atomic_fetch_sub(&t->sleepers, 1);
    pthread_mutex_unlock(&t->mu);
    return g;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    nn_team *t = w->team;
    unsigned long seen = 0;
    for (;;) {
        seen = wait_for_job(t, seen);
        if (atomic_load_explicit(&t->stop, memory_order_acquire))
            return NULL;
        work(t, seen, w->id);
    }
}

/* Starts job number j: wakes sleeping workers (the sequentially consistent
 * gen increment and sleepers load pair with the worker's sleepers increment
 * and gen load, so a worker about to sleep either sees the new job or is
 * woken). */
static void publish(nn_team *t, unsigned long j)
{
    atomic_store(&t->gen, j);
    if (atomic_load(&t->sleepers) > 0) {
        pthread_mutex_lock(&t->mu);
        pthread_cond_broadcast(&t->start_cv);
        pthread_mutex_unlock(&t->mu);
    }
}

static void wait_done(nn_team *t, size_t n)
{
    for (unsigned i = 0; i < t->spin; i++) {
        if (atomic_load_explicit(&t->done, memory_order_acquire) == n)
            return;
        nn_cpu_relax();
    }
    pthread_mutex_lock(&t->mu);
    while (atomic_load_explicit(&t->done, memory_order_acquire) != n)
        pthread_cond_wait(&t->done_cv, &t->mu);
    pthread_mutex_unlock(&t->mu);
}

void nn_team_run(nn_team *t, nn_team_fn fn, void *ctx, size_t n_items)
{
    if (t->started == 0 || n_items == 1) {
        for (size_t i = 0; i < n_items; i++)
            fn(ctx, i, 0);
        return;
    }
    if (n_items == 0)
        return;
    unsigned long j = atomic_load_explicit(&t->gen, memory_order_relaxed) + 1;
    t->fn = fn;
    t->ctx = ctx;
    atomic_store_explicit(&t->done, 0, memory_order_relaxed);
    atomic_store_explicit(&t->limit, TAG(j) | (uint64_t)n_items, memory_order_release);
    for (size_t l = 0; l < t->n; l++)
        atomic_store_explicit(&t->lanes[l].next, TAG(j), memory_order_release);
    publish(t, j);
    work(t, j, 0);
    wait_done(t, n_items);
}

size_t nn_team_size(const nn_team *t)
{
    return t->n;
}

int nn_team_create(nn_team **team, size_t n, nn_error *err)
{
    *team = NULL;
    if (n == 0)
        n = 1;
    nn_team *t = calloc(1, sizeof *t);
    if (!t)
        return nn_fail(err, NN_ERR_NOMEM, "threads: out of memory");
    t->n = n;
    t->spin = n <= nn_cpu_count() ? SPIN_ROUNDS : 0;
    atomic_init(&t->gen, 0);
    atomic_init(&t->limit, 0);
    atomic_init(&t->done, 0);
    atomic_init(&t->sleepers, 0);
    atomic_init(&t->stop, 0);
    if (n == 1) {
        *team = t;
        return NN_OK;
    }
    t->threads = calloc(n - 1, sizeof *t->threads);
    t->workers = calloc(n - 1, sizeof *t->workers);
    t->lanes = aligned_alloc(sizeof(lane_ticket), n * sizeof(lane_ticket));
    if (!t->threads || !t->workers || !t->lanes) {
        free(t->threads);
        free(t->workers);
        free(t->lanes);
        free(t);
        return nn_fail(err, NN_ERR_NOMEM, "threads: out of memory for %zu threads", n);
    }
    for (size_t l = 0; l < n; l++)
        atomic_init(&t->lanes[l].next, 0);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->start_cv, NULL);
    pthread_cond_init(&t->done_cv, NULL);
    for (size_t i = 0; i + 1 < n; i++) {
        t->workers[i].team = t;
        t->workers[i].id = i + 1;
        int e = pthread_create(&t->threads[i], NULL, worker_main, &t->workers[i]);
        if (e != 0) {
            nn_team_free(t);
            return nn_fail(err, NN_ERR_NOMEM, "threads: cannot start thread %zu of %zu: %s",
                           i + 2, n, strerror(e));
        }
        t->started++;
    }
    *team = t;
    return NN_OK;
}

void nn_team_free(nn_team *t)
{
    if (!t)
        return;
    if (t->n > 1) {
        if (t->started) {
            atomic_store(&t->stop, 1);
            atomic_store(&t->gen, atomic_load(&t->gen) + 1);
            pthread_mutex_lock(&t->mu);
            pthread_cond_broadcast(&t->start_cv);
            pthread_mutex_unlock(&t->mu);
            for (size_t i = 0; i < t->started; i++)
                pthread_join(t->threads[i], NULL);
        }
        pthread_cond_destroy(&t->done_cv);
        pthread_cond_destroy(&t->start_cv);
        pthread_mutex_destroy(&t->mu);
    }
    free(t->lanes);
    free(t->workers);
    free(t->threads);
    free(t);
}
