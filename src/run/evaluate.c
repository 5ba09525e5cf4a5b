/* evaluate.c - evaluation and prediction (nn_train.h, evaluate.h).
 *
 * The samples are cut into chunks of NNI_EVAL_CHUNK; each pool member runs
 * its chunks through nn_forward (and nn_loss) in buffers of its own, a lane.
 * A chunk's loss sum goes to its own slot and the slots are added in chunk
 * order; counts are integers, so their order does not matter.  A chunk
 * writes the class it predicts for each of its samples to that sample's
 * slot, and the confusion matrix is counted from those in one pass at the
 * end: the memory is one class per sample and one C x C matrix, the
 * caller's, whatever the thread count.
 */
#include <stdint.h>
#include <string.h>

#include "run/batch.h"
#include "run/evaluate.h"
#include "nn_train.h"

/* One pool member's buffers. */
typedef struct lane {
    nn_work w;         /* activations for NNI_EVAL_CHUNK rows */
    float *x;          /* (NNI_EVAL_CHUNK, dim) */
    uint8_t *y;        /* NNI_EVAL_CHUNK labels */
    size_t correct;    /* rows predicted right, over this member's chunks */
} lane;

struct nni_evaluator {
    const nn_model *m;
    const nn_dataset *d;
    nn_loss_kind loss;
    nni_pool *pool;
    lane *lanes;        /* one per pool member */
    size_t n_lanes;
    size_t first, n;    /* the samples [first, first + n) */
    double *chunk_loss; /* loss sum of each chunk (when evaluating) */
    uint16_t *pred;     /* (max_n) predicted class of each sample, or NULL */
    float *out;         /* (n, C) network outputs (when predicting) */
};

void nni_evaluator_free(nni_evaluator *e)
{
    if (!e)
        return;
    for (size_t i = 0; e->lanes && i < e->n_lanes; i++) {
        nn_work_free(&e->lanes[i].w);
        free(e->lanes[i].x);
        free(e->lanes[i].y);
    }
    free(e->lanes);
    free(e->chunk_loss);
    free(e->pred);
    free(e);
}

/* Lane l's buffers for chunks of up to rows samples. */
static int lane_create(lane *l, const nni_evaluator *e, size_t rows, nn_error *err)
{
    size_t x_floats;
    l->x = nni_size_mul(&x_floats, rows, e->d->dim) ? NULL : nni_alloc(x_floats, sizeof *l->x);
    l->y = nni_alloc(rows, 1);
    if (!l->x || !l->y)
        return nn_fail(err, NN_ERR_NOMEM,
                       "evaluation: out of memory for a chunk of %zu samples of %zu values",
                       rows, e->d->dim);
    return nn_work_create(&l->w, e->m, rows, err);
}

int nni_evaluator_create(nni_evaluator **out, const nn_model *m, const nn_dataset *d,
                         nn_loss_kind loss, size_t max_n, nni_pool *pool, int confusion,
                         nn_error *err)
{
    *out = NULL;
    nni_evaluator *e = calloc(1, sizeof *e);
    if (!e)
        return nn_fail(err, NN_ERR_NOMEM, "evaluation: out of memory for the evaluator");
    *e = (nni_evaluator){.m = m, .d = d, .loss = loss, .pool = pool};
    e->n_lanes = nni_pool_size(pool);
    e->lanes = calloc(e->n_lanes, sizeof *e->lanes);
    e->chunk_loss = nni_alloc(nni_chunks(max_n, NNI_EVAL_CHUNK), sizeof *e->chunk_loss);
    e->pred = confusion ? nni_alloc(max_n, sizeof *e->pred) : NULL;
    int rc = NN_OK;
    if (!e->lanes || !e->chunk_loss || (confusion && !e->pred))
        rc = nn_fail(err, NN_ERR_NOMEM,
                     "evaluation: out of memory for %zu samples on %zu threads", max_n,
                     e->n_lanes);
    for (size_t i = 0; rc == NN_OK && i < e->n_lanes; i++)
        rc = lane_create(&e->lanes[i], e, nni_min(max_n, NNI_EVAL_CHUNK), err);
    if (rc) {
        nni_evaluator_free(e);
        return rc;
    }
    *out = e;
    return NN_OK;
}

/* Evaluation job, one item per chunk: its loss sum, its correct count added
 * to the member's lane and, for the confusion matrix, the class predicted
 * for each of its samples. */
static void eval_chunk(void *ctx, size_t c, size_t member)
{
    nni_evaluator *e = ctx;
    const nn_model *m = e->m;
    lane *l = &e->lanes[member];
    size_t C = m->sizes[m->n_layers];
    size_t first = e->first + c * NNI_EVAL_CHUNK;
    size_t B = nni_min(NNI_EVAL_CHUNK, e->n - c * NNI_EVAL_CHUNK);
    nni_gather(l->x, NULL, l->y, e->d, NULL, first, B, NULL, 0);
    const float *out = nn_forward(m, &l->w, l->x, B);
    size_t ok;
    e->chunk_loss[c] = nn_loss(m, &l->w, e->loss, l->y, B, &ok);
    l->correct += ok;
    for (size_t i = 0; e->pred && i < B; i++) {
        size_t pred;
        nn_argmax_rows(&pred, out + i * C, 1, C);
        e->pred[c * NNI_EVAL_CHUNK + i] = (uint16_t)pred; /* C <= NN_MAX_WIDTH = 2^16 */
    }
}

void nni_evaluate_range(nni_evaluator *e, size_t first, size_t n, double *loss_sum,
                        size_t *correct, size_t *confusion)
{
    size_t C = e->m->sizes[e->m->n_layers], chunks = nni_chunks(n, NNI_EVAL_CHUNK);
    e->first = first;
    e->n = n;
    for (size_t i = 0; i < e->n_lanes; i++)
        e->lanes[i].correct = 0;
    nni_pool_run(e->pool, eval_chunk, e, chunks);
    *loss_sum = 0.0;
    *correct = 0;
    for (size_t c = 0; c < chunks; c++)
        *loss_sum += e->chunk_loss[c];
    for (size_t i = 0; i < e->n_lanes; i++)
        *correct += e->lanes[i].correct;
    for (size_t i = 0; confusion && e->pred && i < n; i++)
        confusion[(size_t)e->d->labels[first + i] * C + e->pred[i]]++;
}

/* nn_evaluate, with the confusion matrix only when confusion is set. */
static int evaluate(const nn_model *m, const nn_dataset *d, nn_loss_kind loss, size_t threads,
                    int confusion, nn_eval *e, nn_error *err)
{
    memset(e, 0, sizeof *e);
    int rc = nni_check_data(m, d, "evaluation data", err);
    if (rc || (rc = nn_model_check_loss(m, loss, err)))
        return rc;
    size_t C = m->sizes[m->n_layers], cells;
    nni_pool *pool = NULL;
    nni_evaluator *ev = NULL;
    /* calloc: the pages of rows no label reaches are never touched */
    if (confusion)
        e->confusion = nni_size_mul(&cells, C, C) ? NULL : calloc(cells, sizeof *e->confusion);
    if (confusion && !e->confusion)
        rc = nn_fail(err, NN_ERR_NOMEM,
                     "evaluation: out of memory for a %zu x %zu confusion matrix", C, C);
    if (!rc)
        rc = nni_pool_create(&pool, nni_pool_members(threads, nni_chunks(d->n, NNI_EVAL_CHUNK)),
                             err);
    if (!rc)
        rc = nni_evaluator_create(&ev, m, d, loss, d->n, pool, confusion, err);
    if (!rc) {
        double loss_sum;
        size_t correct;
        nni_evaluate_range(ev, 0, d->n, &loss_sum, &correct, e->confusion);
        e->n = d->n;
        e->n_classes = C;
        e->loss = loss_sum / (double)d->n;
        e->accuracy = (double)correct / (double)d->n;
    }
    nni_evaluator_free(ev);
    nni_pool_free(pool);
    if (rc)
        nn_eval_free(e);
    return rc;
}

int nn_evaluate(const nn_model *m, const nn_dataset *d, nn_loss_kind loss, size_t threads,
                nn_eval *e, nn_error *err)
{
    return evaluate(m, d, loss, threads, 1, e, err);
}

int nn_evaluate_metrics(const nn_model *m, const nn_dataset *d, nn_loss_kind loss,
                        size_t threads, nn_eval *e, nn_error *err)
{
    return evaluate(m, d, loss, threads, 0, e, err);
}

void nn_eval_free(nn_eval *e)
{
    free(e->confusion);
    memset(e, 0, sizeof *e);
}

/* Prediction job, one item per chunk: its outputs into e->out. */
static void predict_chunk(void *ctx, size_t c, size_t member)
{
    nni_evaluator *e = ctx;
    lane *l = &e->lanes[member];
    size_t C = e->m->sizes[e->m->n_layers];
    size_t first = c * NNI_EVAL_CHUNK, B = nni_min(NNI_EVAL_CHUNK, e->n - first);
    nni_gather(l->x, NULL, NULL, e->d, NULL, e->first + first, B, NULL, 0);
    memcpy(e->out + first * C, nn_forward(e->m, &l->w, l->x, B), B * C * sizeof *e->out);
}

/* Threads pay for themselves from this many chunks per member on. */
#define PREDICT_CHUNKS_PER_THREAD 4

int nn_predict(const nn_model *m, const nn_dataset *d, size_t first, size_t n, float *out,
               nn_error *err)
{
    if (d->dim != m->sizes[0])
        return nn_fail(err, NN_ERR_ARG, "samples have %zu values but the model takes %zu inputs",
                       d->dim, m->sizes[0]);
    if (first > d->n || n > d->n - first)
        return nn_fail(err, NN_ERR_ARG, "samples %zu-%zu requested, the data has %zu", first,
                       first + n, d->n);
    if (n == 0)
        return NN_OK;
    size_t chunks = nni_chunks(n, NNI_EVAL_CHUNK);
    nni_pool *pool = NULL;
    nni_evaluator *ev = NULL;
    int rc = nni_pool_create(&pool, nni_pool_members(0, chunks / PREDICT_CHUNKS_PER_THREAD), err);
    if (!rc)
        rc = nni_evaluator_create(&ev, m, d, nn_loss_default(m->act[m->n_layers - 1]), n, pool,
                                  0, err);
    if (!rc) {
        ev->first = first;
        ev->n = n;
        ev->out = out;
        nni_pool_run(pool, predict_chunk, ev, chunks);
    }
    nni_evaluator_free(ev);
    nni_pool_free(pool);
    return rc;
}
