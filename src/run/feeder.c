/* feeder.c - gathers batches on a thread of their own (see feeder.h).
 *
 * Request k (counting from 1) is published by storing its idx and B and then
 * posted = k; the thread gathers it into slot k mod 2 and sets done = k.
 * Each side spins for a bounded number of rounds before it sleeps on the
 * mutex and a condition variable, and the other side signals only when it
 * sees a sleeper (the sequentially consistent counter store and sleeper load
 * pair with the sleeper's increment and counter load, so no wake-up is lost).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "run/feeder.h"
#include "run/pool.h"

/* Rounds of spinning before a wait sleeps, as in pool.c: some tens
 * of microseconds, about one training step of a small model. */
#define SPIN_ROUNDS 2500u

/* Rows ahead of the one being copied whose cache lines are requested. */
#define PREFETCH_ROWS 8

struct nn_feeder {
    const nn_dataset *d;
    uint8_t *pixels[2];      /* (batch, dim) each */
    uint8_t *labels[2];      /* (batch) each, or NULL */
    const uint32_t *idx;     /* the posted request */
    size_t B;
    atomic_ulong posted;     /* requests posted */
    atomic_ulong done;       /* requests gathered */
    atomic_int thread_sleeps; /* the thread waits on posted_cv */
    atomic_int caller_sleeps; /* the caller waits on done_cv */
    atomic_int stop;
    pthread_mutex_t mu;
    pthread_cond_t posted_cv;
    pthread_cond_t done_cv;
    pthread_t thread;
    int started;
};

/* Waits until *counter differs from seen (when `differs`) or equals seen (when
 * not), sleeping on cv with *sleeps raised once spinning has not been enough;
 * returns the counter's value. */
static unsigned long wait_counter(nn_feeder *f, atomic_ulong *counter, unsigned long seen,
                                  int differs, atomic_int *sleeps, pthread_cond_t *cv)
{
    unsigned long v;
    for (unsigned i = 0; i < SPIN_ROUNDS; i++) {
        v = atomic_load_explicit(counter, memory_order_acquire);
        if ((v != seen) == differs)
            return v;
        nn_cpu_relax();
    }
    pthread_mutex_lock(&f->mu);
    atomic_fetch_add(sleeps, 1);
    while (((v = atomic_load(counter)) != seen) != differs)
        pthread_cond_wait(cv, &f->mu);
    atomic_fetch_sub(sleeps, 1);
    pthread_mutex_unlock(&f->mu);
    return v;
}

/* Stores v into *counter and wakes the other side if it sleeps on cv. */
static void set_counter(nn_feeder *f, atomic_ulong *counter, unsigned long v, atomic_int *sleeps,
                        pthread_cond_t *cv)
{
    atomic_store(counter, v);
    if (atomic_load(sleeps) > 0) {
        pthread_mutex_lock(&f->mu);
        pthread_cond_signal(cv);
        pthread_mutex_unlock(&f->mu);
    }
}

/* Copies samples idx[0..B) of d into pixels and labels, asking for the rows
 * PREFETCH_ROWS ahead so that several are on their way from memory at once. */
static void gather_rows(uint8_t *pixels, uint8_t *labels, const nn_dataset *d,
                        const uint32_t *idx, size_t B)
{
    size_t dim = d->dim;
    for (size_t i = 0; i < B; i++) {
#if defined(__GNUC__) || defined(__clang__)
        if (i + PREFETCH_ROWS < B) {
            const uint8_t *p = d->pixels + (size_t)idx[i + PREFETCH_ROWS] * dim;
            for (size_t k = 0; k < dim; k += 64)
                __builtin_prefetch(p + k);
            __builtin_prefetch(p + dim - 1);
        }
#endif
        memcpy(pixels + i * dim, d->pixels + (size_t)idx[i] * dim, dim);
        if (labels)
            labels[i] = d->labels[idx[i]];
    }
}

static void *feeder_main(void *arg)
{
    nn_feeder *f = arg;
    unsigned long seen = 0;
    for (;;) {
        seen = wait_counter(f, &f->posted, seen, 1, &f->thread_sleeps, &f->posted_cv);
        if (atomic_load_explicit(&f->stop, memory_order_acquire))
            return NULL;
        gather_rows(f->pixels[seen % 2], f->labels[seen % 2], f->d, f->idx, f->B);
        set_counter(f, &f->done, seen, &f->caller_sleeps, &f->done_cv);
    }
}

void nn_feeder_request(nn_feeder *f, const uint32_t *idx, size_t B)
{
    f->idx = idx;
    f->B = B;
    set_counter(f, &f->posted, atomic_load_explicit(&f->posted, memory_order_relaxed) + 1,
                &f->thread_sleeps, &f->posted_cv);
}

const uint8_t *nn_feeder_wait(nn_feeder *f, const uint8_t **labels)
{
    unsigned long k = atomic_load_explicit(&f->posted, memory_order_relaxed);
    wait_counter(f, &f->done, k, 0, &f->caller_sleeps, &f->done_cv);
    *labels = f->labels[k % 2];
    return f->pixels[k % 2];
}

int nn_feeder_create(nn_feeder **out, const nn_dataset *d, size_t batch, nn_error *err)
{
    *out = NULL;
    nn_feeder *f = calloc(1, sizeof *f);
    if (!f)
        return nn_fail(err, NN_ERR_NOMEM, "training: out of memory");
    f->d = d;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->posted_cv, NULL);
    pthread_cond_init(&f->done_cv, NULL);
    atomic_init(&f->posted, 0);
    atomic_init(&f->done, 0);
    atomic_init(&f->thread_sleeps, 0);
    atomic_init(&f->caller_sleeps, 0);
    atomic_init(&f->stop, 0);
    for (int s = 0; s < 2; s++) {
        f->pixels[s] = malloc(batch * d->dim);
        f->labels[s] = d->labels ? malloc(batch) : NULL;
        if (!f->pixels[s] || (d->labels && !f->labels[s])) {
            nn_feeder_free(f);
            return nn_fail(err, NN_ERR_NOMEM, "training: out of memory for a batch of %zu",
                           batch);
        }
    }
    int e = pthread_create(&f->thread, NULL, feeder_main, f);
    if (e != 0) {
        nn_feeder_free(f);
        return nn_fail(err, NN_ERR_NOMEM, "training: cannot start a thread: %s", strerror(e));
    }
    f->started = 1;
    *out = f;
    return NN_OK;
}

void nn_feeder_free(nn_feeder *f)
{
    if (!f)
        return;
    if (f->started) {
        atomic_store(&f->stop, 1);
        set_counter(f, &f->posted, atomic_load(&f->posted) + 1, &f->thread_sleeps,
                    &f->posted_cv);
        pthread_join(f->thread, NULL);
    }
    pthread_cond_destroy(&f->done_cv);
    pthread_cond_destroy(&f->posted_cv);
    pthread_mutex_destroy(&f->mu);
    for (int s = 0; s < 2; s++) {
        free(f->pixels[s]);
        free(f->labels[s]);
    }
    free(f);
}
