/* train.c - the training loop, evaluation and prediction (see nn_train.h).
 *
 * One epoch, as Keras's fit() runs it:
 *   shuffle the indices of the training part; for each batch of `batch` of them
 *   (the last one partial): gather pixels / 255 into x (B, dim) and labels (B);
 *   forward; loss; backward with E = mean over the batch; one optimizer step.
 *   The loss and accuracy reported are running means over the samples seen so
 *   far in the epoch.
 *
 * Threads.  A step is two jobs for a team of threads (pool.h), whose
 * members claim the items of a job in turn:
 *   1. one item per chunk of CHUNK rows of the batch: gather the samples, run
 *      the forward pass, the loss and the backward pass down to dE/dz of every
 *      layer, for those rows (every row's numbers depend on that row alone);
 *   2. one item per block of a layer's weights: the weight (and bias)
 *      gradient of the block over the whole batch, rows in order, then the
 *      optimizer step on those parameters (it is element-wise).
 * Every number is computed by the same operations in the same order whichever
 * thread does it and however many there are: the trained model is the same to
 * the bit for any thread count, and the same as nn_forward, nn_loss,
 * nn_backward and nn_optim_step on each whole batch would make it.  When a
 * team of one computes and another core is free (use_feeder), a feeder thread
 * (feeder.h) copies the next batch's pixel bytes and labels while the current
 * batch is computed, and job 1 converts those instead of gathering.
 * Evaluation and prediction cut the data into fixed chunks of EVAL_CHUNK
 * samples and add per-chunk loss sums in chunk order.
 *
 * Buffers, allocated once before the first epoch (see trainer):
 *   perm                       sample order, reshuffled each epoch
 *   x, y, z, a, dz, row_loss   the batch's inputs, labels, activations,
 *                              gradients and row losses
 *   grads   (n_params)         dE/dparams, model layout
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/feeder.h"
#include "nn/kernels.h"
#include "run/pool.h"
#include "nn_kernels.h"
#include "nn_train.h"

/* Samples per evaluation and prediction chunk. */
#define EVAL_CHUNK 256

void nn_train_config_default(nn_train_config *c)
{
    c->epochs = 10;
    c->batch = 128;
    c->lr = 0.001f;
    c->optimizer = NN_OPT_ADAM;
    c->loss = NN_LOSS_XENT;
    c->seed = 1;
    c->val_split = 0.0f;
    c->threads = 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Pieces of up to `chunk` that n splits into. */
static size_t chunks_of(size_t n, size_t chunk)
{
    return (n + chunk - 1) / chunk;
}

/* Team members for jobs of `chunks` items: the requested count (0 = every
 * online processor), never more than there are items. */
static size_t team_members(size_t requested, size_t chunks)
{
    size_t n = requested ? requested : nni_cpu_count();
    n = min_size(n, chunks);
    return n ? n : 1;
}

/* With threads = 0, training computes on every core only when a batch costs
 * at least this many multiply-adds in its forward pass, and on one thread
 * below (with a feeder thread gathering batches, see use_feeder).  A step of
 * a smaller model is over in tens of microseconds, and spreading it over
 * cores costs more than it saves: two synchronisations, and every step the
 * batch's activations and the parameters move from one core's cache to the
 * other's.  Measured on a 2-core Zen 5: an epoch of 784-10-10-10 (1M per
 * batch of 128) takes 39 ms on 2 threads, 27 ms on 1 and 23 ms on 1 with the
 * feeder; one of 784-256-128-10 (30M) 0.35 s on 2 and 0.46 s on 1. */
#define THREADED_MACS 16000000.0

/* Training's default thread count for model m and batches of `batch`. */
static size_t auto_threads(const nn_model *m, size_t batch)
{
    double macs = 0.0;
    for (size_t l = 0; l < m->n_layers; l++)
        macs += (double)batch * (double)m->sizes[l] * (double)m->sizes[l + 1];
    return macs >= THREADED_MACS ? nni_cpu_count() : 1;
}

/* Whether a training run with this team and requested thread count gathers
 * its batches on a feeder thread (feeder.h): when the thread count was left
 * to nnart, the batch is computed by one thread, and another core is free. */
static int use_feeder(const nni_pool *team, size_t requested, size_t steps)
{
    return requested == 0 && nni_pool_size(team) == 1 && nni_cpu_count() > 1 && steps > 1;
}

/* Checks that d can feed m: labelled, the right width, labels within the
 * model's classes.  what names the data set in messages. */
static int check_data(const nn_model *m, const nn_dataset *d, const char *what, nn_error *err)
{
    size_t classes = m->sizes[m->n_layers];
    if (!d->labels)
        return nn_fail(err, NN_ERR_ARG, "%s: no labels", what);
    if (d->n == 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no samples", what);
    if (d->dim != m->sizes[0])
        return nn_fail(err, NN_ERR_ARG,
                       "%s: samples have %zu values but the model takes %zu inputs", what, d->dim,
                       m->sizes[0]);
    if (d->n_classes > classes)
        return nn_fail(err, NN_ERR_ARG,
                       "%s: label %zu is outside the model's %zu classes (0-%zu)", what,
                       d->n_classes - 1, classes, classes - 1);
    return NN_OK;
}

/* Gathers samples idx[0..B) (or first..first+B when idx is NULL) of d into x
 * as floats in [0, 1] and their labels into y (when y is not NULL).  While it
 * works it requests samples next[0..n_next) into the cache: shuffled samples
 * sit at random places in a large array, and the trainer asks for the next
 * batch's samples one step before it needs them. */
static void gather(float *x, uint8_t *y, const nn_dataset *d, const uint32_t *idx, size_t first,
                   size_t B, const uint32_t *next, size_t n_next)
{
    for (size_t i = 0; i < B || i < n_next; i++) {
#if defined(__GNUC__) || defined(__clang__)
        /* a hint, written out here: GCC drops calls to a helper function
         * that does nothing but prefetch, as if it had no effect */
        if (i < n_next) {
            const uint8_t *p = d->pixels + (size_t)next[i] * d->dim;
            for (size_t k = 0; k < d->dim; k += 64)
                __builtin_prefetch(p + k);
            __builtin_prefetch(p + d->dim - 1);
        }
#else
        (void)next;
        (void)n_next;
#endif
        if (i >= B)
            continue;
        size_t s = idx ? idx[i] : first + i;
        nn_bytes_to_floats(x + i * d->dim, d->pixels + s * d->dim, d->dim);
        if (y)
            y[i] = d->labels[s];
    }
}

/* Rows of scores (B, C) whose first largest entry is the label. */
static size_t count_correct(const float *scores, const uint8_t *y, size_t B, size_t C)
{
    size_t correct = 0;
    for (size_t i = 0; i < B; i++) {
        size_t best;
        nn_argmax_rows(&best, scores + i * C, 1, C);
        correct += best == y[i];
    }
    return correct;
}

/* ---- training ---------------------------------------------------------- */

/* Samples per chunk of a batch in job 1. */
#define CHUNK 32

/* Job 2 cuts a layer's weights into blocks of whole rows (multiples of 12,
 * whole kernel tiles) of about ROW_BLOCK_MACS multiply-adds per batch when it
 * has at least MIN_ROW_BLOCK_OUT rows; the parameters of such a block are one
 * contiguous range for the optimizer.  A layer with fewer rows is cut into
 * blocks of columns (multiples of 64, whole kernel strips) of about
 * COL_BLOCK_MACS, so that its work can still be shared out. */
#define ROW_BLOCK_MACS 1048576
#define COL_BLOCK_MACS 262144
#define MIN_ROW_BLOCK_OUT 24

/* A block of job 2: rows [o0, o1) and columns [k0, k1) of layer l's weights. */
typedef struct wblock {
    size_t l, o0, o1, k0, k1;
} wblock;

/* The training state.  Row i of the batch is row i of x, y and every z, a
 * and dz, whichever chunk (and thread) computed it. */
typedef struct trainer {
    nn_model *m;
    const nn_dataset *d;
    nn_loss_kind loss;
    nn_optim *opt;
    float *mem;                  /* owns the float arrays below */
    float *x;                    /* (batch, dim) inputs */
    float *z[NN_MAX_LAYERS];     /* (batch, sizes[l+1]) z_l = a_{l-1} W_l^T + b_l */
    float *a[NN_MAX_LAYERS];     /* (batch, sizes[l+1]) a_l = act_l(z_l) */
    float *dz[NN_MAX_LAYERS];    /* (batch, sizes[l+1]) dE/dz_l */
    float *grads;                /* (n_params) dE/dparams, model layout */
    uint8_t *y;                  /* (batch) labels */
    double *row_loss;            /* (batch) loss of each row */
    size_t *chunk_correct;       /* rows predicted right, per chunk */
    wblock *blocks;              /* job 2's items */
    size_t n_blocks;
    const uint32_t *idx;         /* the current batch: samples idx[0..B) */
    size_t B;
    size_t B_next;               /* samples in the next batch, idx[B..B + B_next) */
    const uint8_t *fed_pixels;   /* (B, dim) the batch's pixels from the feeder, */
    const uint8_t *fed_labels;   /* and its labels, or NULL: gather them */
} trainer;

static void trainer_free(trainer *t)
{
    free(t->mem);
    free(t->y);
    free(t->row_loss);
    free(t->chunk_correct);
    free(t->blocks);
}

/* Rounds n up to a multiple of q, and to at least q. */
static size_t round_up(size_t n, size_t q)
{
    return n < q ? q : (n + q - 1) / q * q;
}

/* The blocks of job 2 for a model trained in batches of `batch`, into
 * blocks (if not NULL), ordered by decreasing size so that the big ones are
 * claimed first; returns how many. */
static size_t make_blocks(wblock *blocks, const nn_model *m, size_t batch)
{
    size_t n = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t in = m->sizes[l], out = m->sizes[l + 1];
        size_t rows = out, cols = in;
        if (out >= MIN_ROW_BLOCK_OUT)
            rows = round_up(ROW_BLOCK_MACS / (in * batch), 12);
        else
            cols = round_up(COL_BLOCK_MACS / (out * batch), 64);
        for (size_t o0 = 0; o0 < out; o0 += rows) {
            for (size_t k0 = 0; k0 < in; k0 += cols) {
                wblock b = {l, o0, min_size(out, o0 + rows), k0, min_size(in, k0 + cols)};
                size_t i = n++;
                if (!blocks)
                    continue;
                for (; i > 0; i--) {
                    const wblock *q = &blocks[i - 1];
                    if ((q->o1 - q->o0) * (q->k1 - q->k0) >= (b.o1 - b.o0) * (b.k1 - b.k0))
                        break;
                    blocks[i] = *q;
                }
                blocks[i] = b;
            }
        }
    }
    return n;
}

/* Allocates t's buffers for batches of up to `batch` samples and cuts the
 * weight gradient into blocks. */
static int trainer_create(trainer *t, nn_model *m, const nn_dataset *d, size_t batch,
                          nn_error *err)
{
    size_t L = m->n_layers, floats = batch * d->dim + m->n_params;
    for (size_t l = 0; l < L; l++)
        floats += 3 * batch * m->sizes[l + 1];
    size_t n_blocks = make_blocks(NULL, m, batch);
    t->m = m;
    t->d = d;
    t->mem = malloc(floats * sizeof *t->mem);
    t->y = malloc(batch);
    t->row_loss = malloc(batch * sizeof *t->row_loss);
    t->chunk_correct = malloc(chunks_of(batch, CHUNK) * sizeof *t->chunk_correct);
    t->blocks = malloc(n_blocks * sizeof *t->blocks);
    if (!t->mem || !t->y || !t->row_loss || !t->chunk_correct || !t->blocks)
        return nn_fail(err, NN_ERR_NOMEM, "training: out of memory for a batch of %zu", batch);
    float *p = t->mem;
    t->x = p, p += batch * d->dim;
    t->grads = p, p += m->n_params;
    for (size_t l = 0; l < L; l++) {
        size_t out = m->sizes[l + 1];
        t->z[l] = p, p += batch * out;
        t->a[l] = p, p += batch * out;
        t->dz[l] = p, p += batch * out;
    }
    t->n_blocks = make_blocks(t->blocks, m, batch);
    return NN_OK;
}

/* Job 1, one item per chunk of CHUNK rows: gathers the chunk's samples (and
 * requests the same rows of the next batch), runs the forward pass, the loss
 * of each row with dE/dz_L for E = (sum of the batch's row losses) / B, and
 * the backward pass down to dE/dz_0 for the chunk's rows.  This is what
 * nn_forward, nn_loss and nn_backward do, row by row; for cross-entropy the
 * loss and its gradient come from one pass over the logits (the softmax is
 * never formed), and accuracy is the argmax of the logits, which the softmax
 * preserves. */
static void step_chunk(void *ctx, size_t c, size_t member)
{
    trainer *t = ctx;
    const nn_model *m = t->m;
    size_t L = m->n_layers, C = m->sizes[L], dim = t->d->dim;
    size_t r0 = c * CHUNK, n = min_size(CHUNK, t->B - r0);
    size_t n_next = t->B_next > r0 ? min_size(CHUNK, t->B_next - r0) : 0;
    (void)member;
    if (t->fed_pixels) {
        nn_bytes_to_floats(t->x + r0 * dim, t->fed_pixels + r0 * dim, n * dim);
        memcpy(t->y + r0, t->fed_labels + r0, n);
    } else {
        gather(t->x + r0 * dim, t->y + r0, t->d, t->idx + r0, 0, n, t->idx + t->B + r0,
               n_next);
    }
    const float *in = t->x + r0 * dim;
    for (size_t l = 0; l < L; l++) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *z = t->z[l] + r0 * n_out, *a = t->a[l] + r0 * n_out;
        /* z_l = a_{l-1} W_l^T + b_l, a_l = act_l(z_l) */
        nn_matmul_forward(z, in, m->params + nn_model_weight_offset(m, l),
                          m->params + nn_model_bias_offset(m, l), n, n_in, n_out);
        if (l + 1 < L || t->loss != NN_LOSS_XENT)
            nn_activation_forward(m->act[l], a, z, n, n_out);
        in = a;
    }
    float *zL = t->z[L - 1] + r0 * C, *aL = t->a[L - 1] + r0 * C, *dzL = t->dz[L - 1] + r0 * C;
    const uint8_t *y = t->y + r0;
    if (t->loss == NN_LOSS_XENT) {
        /* E_i = logsumexp(z) - z_label; dE/dz_L = (softmax(z_L) - onehot) / B */
        for (size_t i = 0; i < n; i++)
            t->row_loss[r0 + i] = nn_xent_forward_backward(zL + i * C, y + i, dzL + i * C, 1, C,
                                                           t->B);
        t->chunk_correct[c] = count_correct(zL, y, n, C);
    } else {
        /* dE/da_L = (a_L - onehot) / B, then dE/dz_L through the output activation */
        for (size_t i = 0; i < n; i++)
            t->row_loss[r0 + i] = nn_mse_forward_backward(aL + i * C, y + i, dzL + i * C, 1, C,
                                                          t->B);
        nn_activation_backward(m->act[L - 1], dzL, dzL, zL, aL, n, C);
        t->chunk_correct[c] = count_correct(aL, y, n, C);
    }
    for (size_t l = L - 1; l > 0; l--) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *da = t->dz[l - 1] + r0 * n_in;
        /* dE/da_{l-1} = dz_l W_l, then dE/dz_{l-1} through act_{l-1} */
        nn_matmul_backward_input(da, t->dz[l] + r0 * n_out,
                                 m->params + nn_model_weight_offset(m, l), n, n_in, n_out);
        nn_activation_backward(m->act[l - 1], da, da, t->z[l - 1] + r0 * n_in,
                               t->a[l - 1] + r0 * n_in, n, n_in);
    }
}

/* The optimizer step on params [lo, hi) alone: a copy of the optimizer whose
 * moments and count are narrowed to the slice takes the step (Adam and SGD are
 * element-wise, and every slice sees the same step count t); the caller
 * advances the real count once all slices are done. */
static void optim_step_slice(const nn_optim *o, float *params, const float *grads, size_t lo,
                             size_t hi)
{
    nn_optim s = *o;
    s.n = hi - lo;
    if (s.m)
        s.m += lo;
    if (s.v)
        s.v += lo;
    nn_optim_step(&s, params + lo, grads + lo);
}

/* Job 2, one item per block of layer l's weights, rows [o0, o1) by columns
 * [k0, k1): the block's weight gradient over the whole batch (with the bias
 * gradient of those rows when k0 = 0), dE/dW_l = dz_l^T a_{l-1} and
 * dE/db_l = column sums of dz_l, then the optimizer step on those
 * parameters. */
static void step_update(void *ctx, size_t item, size_t member)
{
    trainer *t = ctx;
    const nn_model *m = t->m;
    const wblock *b = &t->blocks[item];
    size_t in = m->sizes[b->l], out = m->sizes[b->l + 1];
    size_t rows = b->o1 - b->o0, width = b->k1 - b->k0;
    size_t wo = nn_model_weight_offset(m, b->l) + b->o0 * in + b->k0;
    size_t bo = nn_model_bias_offset(m, b->l) + b->o0;
    float *db = b->k0 == 0 ? t->grads + bo : NULL;
    (void)member;
    for (size_t o = 0; o < rows; o++)
        memset(t->grads + wo + o * in, 0, width * sizeof *t->grads);
    if (db)
        memset(db, 0, rows * sizeof *db);
    const float *act = b->l > 0 ? t->a[b->l - 1] : t->x;
    nni_kernels_active()->backward_weights(t->grads + wo, in, db, t->dz[b->l] + b->o0, out,
                                          act + b->k0, in, t->B, width, rows);
    if (width == in) {
        optim_step_slice(t->opt, m->params, t->grads, wo, wo + rows * in);
    } else {
        for (size_t o = 0; o < rows; o++)
            optim_step_slice(t->opt, m->params, t->grads, wo + o * in, wo + o * in + width);
    }
    if (db)
        optim_step_slice(t->opt, m->params, t->grads, bo, bo + rows);
}

/* ---- evaluation -------------------------------------------------------- */

/* One team member's buffers for evaluation and prediction. */
typedef struct lane {
    nn_work w;         /* activations for EVAL_CHUNK rows */
    float *x;          /* (EVAL_CHUNK, dim) */
    uint8_t *y;        /* EVAL_CHUNK labels */
    size_t correct;    /* rows predicted right, over this member's chunks */
    size_t *confusion; /* (C, C) [true][predicted] counts, or NULL */
} lane;

typedef struct evaluator {
    const nn_model *m;
    const nn_dataset *d;
    nn_loss_kind loss;
    lane *lanes;       /* one per team member, for chunks of up to EVAL_CHUNK rows */
    size_t n_lanes;
    size_t first, n;   /* the samples [first, first + n) */
    double *chunk_loss; /* loss sum of each chunk (when evaluating) */
    float *out;        /* (n, C) network outputs (when predicting) */
} evaluator;

static void lanes_free(lane *lanes, size_t n)
{
    if (!lanes)
        return;
    for (size_t i = 0; i < n; i++) {
        nn_work_free(&lanes[i].w);
        free(lanes[i].x);
        free(lanes[i].y);
        free(lanes[i].confusion);
    }
    free(lanes);
}

/* n lanes for model m on chunks of up to rows samples of dim values; with a
 * confusion matrix each if confusion is set. */
static int lanes_create(lane **out, size_t n, const nn_model *m, size_t rows, size_t dim,
                        int confusion, nn_error *err)
{
    size_t C = m->sizes[m->n_layers];
    lane *lanes = calloc(n, sizeof *lanes);
    *out = NULL;
    if (!lanes)
        return nn_fail(err, NN_ERR_NOMEM, "evaluation: out of memory");
    for (size_t i = 0; i < n; i++) {
        lane *l = &lanes[i];
        l->x = malloc(rows * dim * sizeof *l->x);
        l->y = malloc(rows);
        l->confusion = confusion ? calloc(C * C, sizeof *l->confusion) : NULL;
        if (!l->x || !l->y || (confusion && !l->confusion)) {
            lanes_free(lanes, n);
            return nn_fail(err, NN_ERR_NOMEM, "evaluation: out of memory");
        }
        int rc = nn_work_create(&l->w, m, rows, err);
        if (rc) {
            lanes_free(lanes, n);
            return rc;
        }
    }
    *out = lanes;
    return NN_OK;
}

/* Evaluation job, one item per chunk: its loss sum, and correct and
 * confusion counts added to the member's lane (integer counts, so their
 * order does not matter). */
static void eval_chunk(void *ctx, size_t c, size_t member)
{
    evaluator *e = ctx;
    const nn_model *m = e->m;
    lane *l = &e->lanes[member];
    size_t C = m->sizes[m->n_layers];
    size_t first = e->first + c * EVAL_CHUNK, B = min_size(EVAL_CHUNK, e->n - c * EVAL_CHUNK);
    gather(l->x, l->y, e->d, NULL, first, B, NULL, 0);
    const float *out = nn_forward(m, &l->w, l->x, B);
    size_t ok;
    e->chunk_loss[c] = nn_loss(m, &l->w, e->loss, l->y, B, &ok);
    l->correct += ok;
    if (l->confusion) {
        for (size_t i = 0; i < B; i++) {
            size_t pred;
            nn_argmax_rows(&pred, out + i * C, 1, C);
            l->confusion[l->y[i] * C + pred]++;
        }
    }
}

/* Loss sum (chunk sums added in chunk order), correct count and (if confusion
 * is not NULL) confusion counts over samples [first, first + n) of e's data,
 * on the team.  e->chunk_loss must hold chunks_of(n, EVAL_CHUNK) values. */
static void eval_range(evaluator *e, nni_pool *team, size_t first, size_t n, double *loss_sum,
                       size_t *correct, size_t *confusion)
{
    size_t C = e->m->sizes[e->m->n_layers];
    e->first = first;
    e->n = n;
    for (size_t i = 0; i < e->n_lanes; i++) {
        e->lanes[i].correct = 0;
        if (e->lanes[i].confusion)
            memset(e->lanes[i].confusion, 0, C * C * sizeof *e->lanes[i].confusion);
    }
    nni_pool_run(team, eval_chunk, e, chunks_of(n, EVAL_CHUNK));
    *loss_sum = 0.0;
    *correct = 0;
    for (size_t c = 0; c < chunks_of(n, EVAL_CHUNK); c++)
        *loss_sum += e->chunk_loss[c];
    for (size_t i = 0; i < e->n_lanes; i++) {
        *correct += e->lanes[i].correct;
        if (confusion)
            for (size_t j = 0; j < C * C; j++)
                confusion[j] += e->lanes[i].confusion[j];
    }
}

/* ---- nn_train ---------------------------------------------------------- */

int nn_train(nn_model *m, const nn_dataset *d, const nn_train_config *c, nn_rng *r,
             nn_progress_fn progress, void *ctx, nn_train_info *info, nn_error *err)
{
    int rc = check_data(m, d, "training data", err);
    if (rc)
        return rc;
    if ((rc = nn_model_check_loss(m, c->loss, err)))
        return rc;
    if (c->epochs < 1 || c->batch < 1)
        return nn_fail(err, NN_ERR_ARG, "epochs and batch size must be at least 1");
    if (!(c->lr > 0.0f) || !isfinite(c->lr))
        return nn_fail(err, NN_ERR_ARG, "learning rate must be a positive finite number");
    if (!(c->val_split >= 0.0f && c->val_split < 1.0f))
        return nn_fail(err, NN_ERR_ARG, "validation split must be in [0, 1)");
    if (d->n > UINT32_MAX)
        return nn_fail(err, NN_ERR_ARG, "training data: more than 2^32 samples");

    /* Keras's validation_split: the last fraction of the data, before shuffling. */
    size_t n_train = (size_t)((double)d->n * (1.0 - (double)c->val_split));
    size_t n_val = d->n - n_train;
    if (n_train == 0)
        return nn_fail(err, NN_ERR_ARG, "validation split leaves no training samples");
    size_t batch = c->batch < n_train ? c->batch : n_train;

    trainer t;
    evaluator ev;
    nn_optim opt;
    nni_pool *team = NULL;
    nni_feeder *feeder = NULL;
    memset(&t, 0, sizeof t);
    memset(&ev, 0, sizeof ev);
    memset(&opt, 0, sizeof opt);
    uint32_t *perm = malloc(n_train * sizeof *perm);
    if (n_val)
        ev.chunk_loss = malloc(chunks_of(n_val, EVAL_CHUNK) * sizeof *ev.chunk_loss);
    if (!perm || (n_val && !ev.chunk_loss)) {
        rc = nn_fail(err, NN_ERR_NOMEM, "training: out of memory");
        goto done;
    }
    if ((rc = trainer_create(&t, m, d, batch, err)))
        goto done;
    size_t jobs = chunks_of(batch, CHUNK) > t.n_blocks ? chunks_of(batch, CHUNK) : t.n_blocks;
    size_t threads = c->threads ? c->threads : auto_threads(m, batch);
    if ((rc = nni_pool_create(&team, team_members(threads, jobs), err)) ||
        (rc = nn_optim_create(&opt, c->optimizer, m->n_params, c->lr, err)))
        goto done;
    if (n_val) {
        ev.n_lanes = nni_pool_size(team);
        if ((rc = lanes_create(&ev.lanes, ev.n_lanes, m, min_size(n_val, EVAL_CHUNK), d->dim, 0,
                                err)))
            goto done;
    }
    t.loss = c->loss;
    t.opt = &opt;
    ev.m = m;
    ev.d = d;
    ev.loss = c->loss;
    for (size_t i = 0; i < n_train; i++)
        perm[i] = (uint32_t)i;

    size_t steps = (n_train + batch - 1) / batch;
    if (use_feeder(team, c->threads, steps) && (rc = nni_feeder_create(&feeder, d, batch, err)))
        goto done;
    nn_progress p = {0};
    p.epochs = c->epochs;
    p.steps = steps;
    for (size_t epoch = 1; epoch <= c->epochs; epoch++) {
        double t0 = now_seconds(), loss_sum = 0.0;
        size_t seen = 0, correct = 0;
        nn_rng_shuffle(r, perm, n_train);
        p.epoch = epoch;
        p.epoch_done = 0;
        p.has_val = 0;
        for (size_t step = 1; step <= steps; step++) {
            size_t first = (step - 1) * batch;
            t.idx = perm + first;
            t.B = min_size(batch, n_train - first);
            t.B_next = step < steps ? min_size(batch, n_train - first - t.B) : 0;
            if (feeder) {
                /* this batch was requested one step ago (the first, now) */
                if (step == 1)
                    nni_feeder_request(feeder, t.idx, t.B);
                t.fed_pixels = nni_feeder_wait(feeder, &t.fed_labels);
                if (t.B_next)
                    nni_feeder_request(feeder, t.idx + t.B, t.B_next);
            }
            nni_pool_run(team, step_chunk, &t, chunks_of(t.B, CHUNK));
            /* the batch loss: row losses added in row order */
            double batch_loss = 0.0;
            for (size_t i = 0; i < t.B; i++)
                batch_loss += t.row_loss[i];
            for (size_t k = 0; k < chunks_of(t.B, CHUNK); k++)
                correct += t.chunk_correct[k];
            if (!isfinite(batch_loss)) {
                rc = nn_fail(err, NN_ERR_DIVERGED,
                             "training diverged at epoch %zu, step %zu: the loss is %s "
                             "(try a smaller learning rate)",
                             epoch, step, isnan(batch_loss) ? "NaN" : "infinite");
                goto done;
            }
            nni_pool_run(team, step_update, &t, t.n_blocks);
            opt.t++;

            loss_sum += batch_loss;
            seen += t.B;
            p.step = step;
            p.loss = loss_sum / (double)seen;
            p.accuracy = (double)correct / (double)seen;
            p.seconds = now_seconds() - t0;
            if (step == steps) {
                p.epoch_done = 1;
                if (n_val) {
                    double vl;
                    size_t vc;
                    eval_range(&ev, team, n_train, n_val, &vl, &vc, NULL);
                    p.has_val = 1;
                    p.val_loss = vl / (double)n_val;
                    p.val_accuracy = (double)vc / (double)n_val;
                }
                p.seconds = now_seconds() - t0;
            }
            if (progress && progress(&p, ctx)) {
                rc = nn_fail(err, NN_ERR_INTERRUPTED,
                             "training interrupted at epoch %zu, step %zu", epoch, step);
                goto done;
            }
        }
    }
    if (info) {
        info->optimizer = c->optimizer;
        info->loss = c->loss;
        info->lr = c->lr;
        info->epochs = (uint32_t)c->epochs;
        info->batch = (uint32_t)c->batch;
        info->seed = c->seed;
        info->val_split = c->val_split;
        info->n_train = (uint32_t)n_train;
        info->train_loss = (float)p.loss;
        info->train_accuracy = (float)p.accuracy;
        info->val_loss = p.has_val ? (float)p.val_loss : NAN;
        info->val_accuracy = p.has_val ? (float)p.val_accuracy : NAN;
        info->test_loss = NAN;
        info->test_accuracy = NAN;
    }
done:
    nni_feeder_free(feeder);
    nni_pool_free(team);
    nn_optim_free(&opt);
    lanes_free(ev.lanes, ev.n_lanes);
    trainer_free(&t);
    free(ev.chunk_loss);
    free(perm);
    return rc;
}

/* ---- nn_evaluate and nn_predict ---------------------------------------- */

int nn_evaluate(const nn_model *m, const nn_dataset *d, nn_loss_kind loss, size_t threads,
                nn_eval *e, nn_error *err)
{
    memset(e, 0, sizeof *e);
    int rc = check_data(m, d, "evaluation data", err);
    if (rc)
        return rc;
    if ((rc = nn_model_check_loss(m, loss, err)))
        return rc;
    size_t C = m->sizes[m->n_layers], n_chunks = chunks_of(d->n, EVAL_CHUNK);
    evaluator ev;
    nni_pool *team = NULL;
    memset(&ev, 0, sizeof ev);
    ev.m = m;
    ev.d = d;
    ev.loss = loss;
    e->confusion = calloc(C * C, sizeof *e->confusion);
    ev.chunk_loss = malloc(n_chunks * sizeof *ev.chunk_loss);
    if (!e->confusion || !ev.chunk_loss) {
        rc = nn_fail(err, NN_ERR_NOMEM, "evaluation: out of memory");
        goto done;
    }
    if ((rc = nni_pool_create(&team, team_members(threads, n_chunks), err)))
        goto done;
    ev.n_lanes = nni_pool_size(team);
    if ((rc = lanes_create(&ev.lanes, ev.n_lanes, m, min_size(d->n, EVAL_CHUNK), d->dim, 1,
                                err)))
        goto done;
    double loss_sum;
    size_t correct;
    eval_range(&ev, team, 0, d->n, &loss_sum, &correct, e->confusion);
    e->n = d->n;
    e->n_classes = C;
    e->loss = loss_sum / (double)d->n;
    e->accuracy = (double)correct / (double)d->n;
done:
    nni_pool_free(team);
    lanes_free(ev.lanes, ev.n_lanes);
    free(ev.chunk_loss);
    if (rc)
        nn_eval_free(e);
    return rc;
}

void nn_eval_free(nn_eval *e)
{
    free(e->confusion);
    memset(e, 0, sizeof *e);
}

/* Prediction job, one item per chunk: its outputs into e->out. */
static void predict_chunk(void *ctx, size_t c, size_t member)
{
    evaluator *e = ctx;
    lane *l = &e->lanes[member];
    size_t C = e->m->sizes[e->m->n_layers];
    size_t first = c * EVAL_CHUNK, B = min_size(EVAL_CHUNK, e->n - first);
    gather(l->x, NULL, e->d, NULL, e->first + first, B, NULL, 0);
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
    evaluator ev;
    nni_pool *team = NULL;
    memset(&ev, 0, sizeof ev);
    ev.m = m;
    ev.d = d;
    ev.first = first;
    ev.n = n;
    ev.out = out;
    size_t members = team_members(0, chunks_of(n, EVAL_CHUNK) / PREDICT_CHUNKS_PER_THREAD);
    int rc = nni_pool_create(&team, members, err);
    if (!rc) {
        ev.n_lanes = nni_pool_size(team);
        rc = lanes_create(&ev.lanes, ev.n_lanes, m, min_size(n, EVAL_CHUNK), d->dim, 0, err);
    }
    if (!rc)
        nni_pool_run(team, predict_chunk, &ev, chunks_of(n, EVAL_CHUNK));
    nni_pool_free(team);
    lanes_free(ev.lanes, ev.n_lanes);
    return rc;
}
