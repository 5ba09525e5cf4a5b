/* feeder.c - gathers batches on a thread of their own (see feeder.h).
 *
 * Request k (counting from 1) is published by storing its idx and B and then
 * posted = k; the thread gathers it into slot k mod 2 and sets done = k.
 * Both counters are wait.h's.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "run/feeder.h"
#include "run/wait.h"

/* Rows ahead of the one being copied whose cache lines are requested. */
#define PREFETCH_ROWS 8

struct nni_feeder {
    const nn_dataset *d;
    uint8_t *pixels[2];  /* (batch, dim) each */
    uint8_t *labels[2];  /* (batch) each, or NULL */
    const uint32_t *idx; /* the posted request */
    size_t B;
    nni_counter posted;  /* requests posted */
    nni_counter done;    /* requests gathered */
    atomic_int stop;
    pthread_t thread;
    int started;
};

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
    nni_feeder *f = arg;
    unsigned long seen = 0;
    for (;;) {
        seen = nni_counter_wait_change(&f->posted, seen);
        if (atomic_load_explicit(&f->stop, memory_order_acquire))
            return NULL;
        gather_rows(f->pixels[seen % 2], f->labels[seen % 2], f->d, f->idx, f->B);
        nni_counter_set(&f->done, seen);
    }
}

void nni_feeder_request(nni_feeder *f, const uint32_t *idx, size_t B)
{
    f->idx = idx;
    f->B = B;
    nni_counter_set(&f->posted, nni_counter_get(&f->posted) + 1);
}

const uint8_t *nni_feeder_wait(nni_feeder *f, const uint8_t **labels)
{
    unsigned long k = nni_counter_get(&f->posted);
    nni_counter_wait_equal(&f->done, k);
    *labels = f->labels[k % 2];
    return f->pixels[k % 2];
}

int nni_feeder_create(nni_feeder **out, const nn_dataset *d, size_t batch, nn_error *err)
{
    *out = NULL;
    nni_feeder *f = calloc(1, sizeof *f);
    if (!f)
        return nn_fail(err, NN_ERR_NOMEM, "training: out of memory for the batch feeder");
    f->d = d;
    nni_counter_init(&f->posted, NNI_SPIN_NS);
    nni_counter_init(&f->done, NNI_SPIN_NS);
    atomic_init(&f->stop, 0);
    for (int s = 0; s < 2; s++) {
        f->pixels[s] = nni_alloc(batch, d->dim);
        f->labels[s] = d->labels ? nni_alloc(batch, 1) : NULL;
        if (!f->pixels[s] || (d->labels && !f->labels[s])) {
            nni_feeder_free(f);
            return nn_fail(err, NN_ERR_NOMEM, "training: out of memory for a batch of %zu",
                           batch);
        }
    }
    int e = pthread_create(&f->thread, NULL, feeder_main, f);
    if (e != 0) {
        nni_feeder_free(f);
        return nn_fail(err, NN_ERR_NOMEM, "training: cannot start a thread: %s", strerror(e));
    }
    f->started = 1;
    *out = f;
    return NN_OK;
}

void nni_feeder_free(nni_feeder *f)
{
    if (!f)
        return;
    if (f->started) {
        atomic_store(&f->stop, 1);
        nni_counter_set(&f->posted, nni_counter_get(&f->posted) + 1);
        pthread_join(f->thread, NULL);
    }
    nni_counter_destroy(&f->done);
    nni_counter_destroy(&f->posted);
    for (int s = 0; s < 2; s++) {
        free(f->pixels[s]);
        free(f->labels[s]);
    }
    free(f);
}
