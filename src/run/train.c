/* train.c - the training loop (see nn_train.h).
 *
 * One epoch, as Keras's fit() runs it: shuffle the indices of the training
 * part; for each batch of `batch` of them (the last one partial): gather
 * pixels / 255 into x (B, dim) and labels (B); forward; loss; backward with
 * E = mean over the batch; one optimizer step.  The loss and accuracy
 * reported are running means over the samples seen so far in the epoch.
 *
 * Threads.  A step is two jobs for a thread pool (pool.h), whose members
 * claim the items of a job in turn:
 *   1. forward_backward, one item per chunk of CHUNK rows of the batch:
 *      gather the samples, then nn_forward_rows, nn_loss_rows and
 *      nn_backward_rows (model.c) down to dE/dz of every layer, for those rows
 *      (every row's numbers depend on that row alone);
 *   2. update_block, one item per block of a layer's parameters: its
 *      gradient over the whole batch (nn_param_grad, rows in order), then
 *      the optimizer's update of those parameters (it is element by element).
 * Every number is computed by the same operations in the same order whichever
 * thread does it and however many there are: the trained model is the same to
 * the bit for any thread count, and the same as nn_forward, nn_loss,
 * nn_backward and nn_optim_step on each whole batch would make it.  Two
 * things differ from those whole-batch calls and neither changes a bit of
 * the model: for cross-entropy the forward pass stops at the logits (the loss
 * and its gradient come from them, and accuracy is their argmax, which the
 * softmax keeps up to rounding), and the batch loss is the sum of the row
 * losses in row order.  A step runs one of two ways: SHARED, the jobs
 * shared out over the pool; or SOLO, the jobs run by the calling thread
 * alone while a feeder thread (feeder.h) copies the next batch's pixel bytes
 * and labels, which job 1 then takes instead of gathering.  --threads 1
 * is SOLO without a feeder and --threads N > 1 SHARED; when the count is left
 * to nnart, the first steps of every epoch try both ways and the quicker
 * runs the rest of it (choice.h).  Validation runs the evaluator (evaluate.h) on the same pool.
 *
 * Mostly-zero data.  When at most half of the vectors of the first samples'
 * pixels hold a value other than 0 (as in MNIST, where about 60% of the
 * vectors of 8 pixels are blank), the batch stays in bytes: job 1 notes
 * which vectors of each row are not all zero, and the first layer's forward
 * pass and weight gradient read only those, turning bytes into x / 255 in
 * registers (nn/kernels.h).  The products they leave out are zeros, so
 * while the numbers stay finite the bits are those of the dense products
 * on x.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn/kernels.h"
#include "nn/passes.h"
#include "run/batch.h"
#include "run/choice.h"
#include "run/evaluate.h"
#include "run/feeder.h"
#include "run/pool.h"
#include "nn_kernels.h"
#include "nn_train.h"

void nn_train_config_default(nn_train_config *c)
{
    *c = (nn_train_config){
        .epochs = 10,
        .batch = 128,
        .lr = 0.001f,
        .optimizer = NN_OPT_ADAM,
        .loss = NN_LOSS_XENT,
        .seed = 1,
        .val_split = 0.0f,
        .threads = 0,
    };
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The two ways of running a step (see the top of this file). */
enum { WAY_SHARED = 0, WAY_SOLO = 1 };

/* Samples trained on: Keras's validation_split holds out the last fraction
 * of the data, before shuffling. */
static size_t train_samples(const nn_dataset *d, const nn_train_config *c)
{
    return (size_t)((double)d->n * (1.0 - (double)c->val_split));
}

static int check_config(const nn_model *m, const nn_dataset *d, const nn_train_config *c,
                        nn_error *err)
{
    int rc = nni_check_data(m, d, "training data", err);
    if (rc || (rc = nn_model_check_loss(m, c->loss, err)))
        return rc;
    if (c->epochs < 1 || c->batch < 1)
        return nn_fail(err, NN_ERR_ARG, "epochs and batch size must be at least 1");
    if (!(c->lr > 0.0f) || !isfinite(c->lr))
        return nn_fail(err, NN_ERR_ARG, "learning rate must be a positive finite number");
    if (!(c->val_split >= 0.0f && c->val_split < 1.0f))
        return nn_fail(err, NN_ERR_ARG, "validation split must be in [0, 1)");
    if (d->n > UINT32_MAX)
        return nn_fail(err, NN_ERR_ARG, "training data: more than 2^32 samples");
    if (train_samples(d, c) == 0)
        return nn_fail(err, NN_ERR_ARG,
                       "a validation split of %g leaves none of the %zu samples for training",
                       (double)c->val_split, d->n);
    return NN_OK;
}

/* ---- the blocks of job 2 ------------------------------------------------- */

/* Job 2 cuts a layer's weights into blocks of whole rows (multiples of the
 * kernel's tile height) of about ROW_BLOCK_MACS multiply-adds per batch when
 * it has at least MIN_ROW_BLOCK_OUT rows; the parameters of such a block are
 * one contiguous range for the optimizer.  A layer with fewer rows is cut
 * into blocks of columns (multiples of the tile width) of about
 * COL_BLOCK_MACS, so that its work can still be shared out. */
#define ROW_BLOCK_MACS 1048576
#define COL_BLOCK_MACS 262144
#define MIN_ROW_BLOCK_OUT 24

/* Rounds n up to a multiple of q, and to at least q. */
static size_t round_up(size_t n, size_t q)
{
    return n < q ? q : (n + q - 1) / q * q;
}

/* Inserts b into blocks[0..n), kept in order of decreasing size (so that the
 * big ones are claimed first, after any of their size already there). */
static void insert_block(nn_param_block *blocks, size_t n, nn_param_block b)
{
    size_t i = n;
    for (; i > 0; i--) {
        const nn_param_block *q = &blocks[i - 1];
        if ((q->o1 - q->o0) * (q->k1 - q->k0) >= (b.o1 - b.o0) * (b.k1 - b.k0))
            break;
        blocks[i] = *q;
    }
    blocks[i] = b;
}

/* Where piece j of n starts when len things, in units of q (the last unit
 * may be short), are cut into n pieces whose unit counts differ by at most
 * one; j = n gives len. */
static size_t piece_start(size_t len, size_t q, size_t n, size_t j)
{
    size_t units = (len + q - 1) / q;
    return nni_min(len, j * units / n * q);
}

/* The blocks of job 2 for model m trained in batches of `batch`, into blocks
 * (if not NULL); returns how many.  A layer's rows (or columns) are cut into
 * as many blocks as blocks of the target size would need, all about the
 * same size, so that no member is left with a big one at the end. */
static size_t make_blocks(nn_param_block *blocks, const nn_model *m, size_t batch)
{
    const nni_kernel_table *K = nni_kernels_active();
    size_t n = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t in = m->sizes[l], out = m->sizes[l + 1], n_rows = 1, n_cols = 1;
        size_t qr = K->wg_rows, qc = K->wg_cols;
        if (out >= MIN_ROW_BLOCK_OUT)
            n_rows = nni_chunks(out, round_up(ROW_BLOCK_MACS / (in * batch), qr));
        else
            n_cols = nni_chunks(in, round_up(COL_BLOCK_MACS / (out * batch), qc));
        for (size_t r = 0; r < n_rows; r++) {
            for (size_t c = 0; c < n_cols; c++, n++) {
                nn_param_block b = {.l = l,
                                    .o0 = piece_start(out, qr, n_rows, r),
                                    .o1 = piece_start(out, qr, n_rows, r + 1),
                                    .k0 = piece_start(in, qc, n_cols, c),
                                    .k1 = piece_start(in, qc, n_cols, c + 1)};
                if (blocks)
                    insert_block(blocks, n, b);
            }
        }
    }
    return n;
}

/* ---- the trainer ----------------------------------------------------------- */

/* Samples per chunk of a batch in job 1: a word of x's column bits. */
#define CHUNK 32

/* The training state.  Row i of the batch is row i of x, y, row_loss and of
 * every buffer of w, whichever chunk (and thread) computed it. */
typedef struct trainer {
    nn_model *m;
    const nn_dataset *d;
    nn_loss_kind loss;
    size_t n_train, n_val, batch, steps;
    nn_optim opt;
    nn_work w;                 /* z, a, dz of every layer, (batch, sizes[l+1]) */
    float *x;                  /* (batch, dim) inputs, or NULL when the data are mostly
                                  zero; then the inputs are the batch's bytes: */
    uint8_t *bytes;            /* (batch, dim) the pixel bytes gathered, */
    uint64_t *nz;              /* (batch, nz_words) the nonzero bits of their rows, */
    uint32_t *nz_cols;         /* (nz_vectors, col_words) and their column bits, */
    nni_byte_batch bx;         /* all three, with the feeder's bytes when it has them */
    size_t nz_words, nz_vectors, col_words;
    float *grads;              /* (n_params) dE/dparams, model layout */
    uint8_t *y;                /* (batch) labels */
    double *row_loss;          /* (batch) loss of each row */
    size_t *chunk_correct;     /* rows predicted right, per chunk */
    nn_param_block *blocks;    /* job 2's items */
    size_t n_blocks;
    uint32_t *perm;            /* (n_train) sample order, reshuffled each epoch */
    nni_pool *pool;
    nni_feeder *feeder;        /* or NULL */
    int way;                   /* how every step runs, unless choosing: */
    int choosing;              /* each epoch's steps as its choice says */
    nni_choice choice;
    int requested;             /* the feeder was asked for this step's batch */
    nni_evaluator *val;        /* on samples [n_train, n), or NULL */
    const uint32_t *idx;       /* the current batch: samples idx[0..B) */
    size_t B;
    size_t B_next;             /* samples in the next batch, idx[B..B + B_next) */
    const uint8_t *fed_pixels; /* (B, dim) the batch's pixels from the feeder, */
    const uint8_t *fed_labels; /* and its labels, or NULL: gather them */
} trainer;

static void trainer_free(trainer *t)
{
    nni_evaluator_free(t->val);
    nni_feeder_free(t->feeder);
    nni_pool_free(t->pool);
    nn_optim_free(&t->opt);
    nn_work_free(&t->w);
    free(t->x);
    free(t->bytes);
    free(t->nz);
    free(t->nz_cols);
    free(t->grads);
    free(t->y);
    free(t->row_loss);
    free(t->chunk_correct);
    free(t->blocks);
    free(t->perm);
}

/* The pool (c->threads, or one member per processor), the way steps run,
 * the feeder if SOLO steps may use one, and the validation evaluator, for a
 * trainer whose sizes are set. */
static int trainer_threads(trainer *t, const nn_train_config *c, nn_error *err)
{
    size_t jobs = nni_chunks(t->batch, CHUNK) > t->n_blocks ? nni_chunks(t->batch, CHUNK)
                                                             : t->n_blocks;
    int rc = nni_pool_create(&t->pool, nni_pool_members(c->threads, jobs), err);
    if (rc)
        return rc;
    int auto_threads = c->threads == 0 && nni_cpu_count() > 1;
    t->way = nni_pool_size(t->pool) == 1 ? WAY_SOLO : WAY_SHARED;
    if (auto_threads && t->steps > 1) {
        rc = nni_feeder_create(&t->feeder, t->d, t->batch, err);
        t->choosing = t->way == WAY_SHARED;
    }
    if (!rc && t->n_val)
        rc = nni_evaluator_create(&t->val, t->m, t->d, c->loss, t->n_val, t->pool, 0, err);
    return rc;
}

/* Bits set in v (Hacker's Delight, pop). */
static size_t bits_set(uint64_t v)
{
    v = v - (v >> 1 & 0x5555555555555555u);
    v = (v & 0x3333333333333333u) + (v >> 2 & 0x3333333333333333u);
    v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return (size_t)(v * 0x0101010101010101u >> 56);
}

/* Rows of the data set whose zeros decide whether it is mostly zero. */
#define NZ_SAMPLE 1024

/* Whether the first NZ_SAMPLE samples of the training data have at most
 * half of their vectors holding a value other than 0, so that the
 * products that skip the others pay (both kinds give the same bits). */
static int mostly_zero(const trainer *t, const nni_kernel_table *K)
{
    size_t dim = t->d->dim, rows = nni_min(t->n_train, NZ_SAMPLE), active = 0;
    uint64_t bits[(NN_MAX_WIDTH + 63) / 64]; /* a row's, in vectors of 1 or more */
    for (size_t i = 0; i < rows; i++) {
        K->row_nz(t->d->pixels + i * dim, dim, bits);
        for (size_t q = 0; q < t->nz_words; q++)
            active += bits_set(bits[q]);
    }
    return 2 * active <= rows * t->nz_vectors;
}

/* The inputs of a batch: x, or when the data are mostly zero its bytes,
 * their rows' nonzero bits and their column bits; nonzero when out of
 * memory. */
static int inputs_create(trainer *t)
{
    const nni_kernel_table *K = nni_kernels_active();
    size_t n, dim = t->d->dim;
    t->nz_words = nni_nz_words(dim, K->lanes);
    t->nz_vectors = (dim + K->lanes - 1) / K->lanes;
    t->col_words = nni_chunks(t->batch, 32);
    if (!mostly_zero(t, K)) {
        t->x = nni_size_mul(&n, t->batch, dim) ? NULL : nni_alloc_aligned(n, sizeof *t->x);
        return t->x == NULL;
    }
    t->bytes = nni_size_mul(&n, t->batch, dim) ? NULL : nni_alloc_aligned(n, 1);
    t->nz = nni_size_mul(&n, t->batch, t->nz_words) ? NULL : nni_alloc_aligned(n, sizeof *t->nz);
    t->nz_cols = nni_size_mul(&n, t->nz_vectors, t->col_words)
                     ? NULL
                     : nni_alloc_aligned(n, sizeof *t->nz_cols);
    t->bx = (nni_byte_batch){.nz = t->nz, .nz_words = t->nz_words, .cols = t->nz_cols,
                             .col_words = t->col_words};
    return !t->bytes || !t->nz || !t->nz_cols;
}

/* Sets up t for training m on d as c says (c checked); on failure t is
 * still safe to trainer_free. */
static int trainer_create(trainer *t, nn_model *m, const nn_dataset *d, const nn_train_config *c,
                          nn_error *err)
{
    *t = (trainer){.m = m, .d = d, .loss = c->loss, .n_train = train_samples(d, c)};
    t->n_val = d->n - t->n_train;
    t->batch = nni_min(c->batch, t->n_train);
    t->steps = nni_chunks(t->n_train, t->batch);
    t->n_blocks = make_blocks(NULL, m, t->batch);
    t->grads = nni_alloc_aligned(m->n_params, sizeof *t->grads);
    t->y = nni_alloc(t->batch, 1);
    t->row_loss = nni_alloc(t->batch, sizeof *t->row_loss);
    t->chunk_correct = nni_alloc(nni_chunks(t->batch, CHUNK), sizeof *t->chunk_correct);
    t->blocks = nni_alloc(t->n_blocks, sizeof *t->blocks);
    t->perm = nni_alloc(t->n_train, sizeof *t->perm);
    if (!t->grads || !t->y || !t->row_loss || !t->chunk_correct || !t->blocks || !t->perm ||
        inputs_create(t))
        return nn_fail(err, NN_ERR_NOMEM, "training: out of memory for a batch of %zu",
                       t->batch);
    make_blocks(t->blocks, m, t->batch);
    for (size_t i = 0; i < t->n_train; i++)
        t->perm[i] = (uint32_t)i;
    int rc = nn_work_create(&t->w, m, t->batch, err);
    if (!rc)
        rc = nn_optim_create(&t->opt, c->optimizer, m->n_params, c->lr, err);
    return rc ? rc : trainer_threads(t, c, err);
}

/* ---- one step ---------------------------------------------------------------- */

/* The way step `step` of the epoch (from 1) runs, or -1 if that is still
 * being decided. */
static int way_of(const trainer *t, size_t step)
{
    return t->choosing ? nni_choice_way(&t->choice, step - 1) : t->way;
}

/* Makes the batch of this step (1-based in its epoch) current: samples
 * perm[first .. first + B); a SOLO step with a feeder takes its pixels from
 * it, and the feeder starts on the next batch if that step is SOLO too.
 * Every request to the feeder is waited for. */
static void next_batch(trainer *t, size_t step)
{
    size_t first = (step - 1) * t->batch;
    t->idx = t->perm + first;
    t->B = nni_min(t->batch, t->n_train - first);
    t->B_next = step < t->steps ? nni_min(t->batch, t->n_train - first - t->B) : 0;
    t->fed_pixels = NULL;
    t->bx.bytes = t->bytes;
    if (!t->feeder)
        return;
    int solo = way_of(t, step) == WAY_SOLO;
    if (solo && !t->requested)
        nni_feeder_request(t->feeder, t->idx, t->B);
    if (solo || t->requested)
        t->fed_pixels = nni_feeder_wait(t->feeder, &t->fed_labels);
    if (!solo)
        t->fed_pixels = NULL;
    else
        t->bx.bytes = t->fed_pixels;
    t->requested = t->B_next && way_of(t, step + 1) == WAY_SOLO;
    if (t->requested)
        nni_feeder_request(t->feeder, t->idx + t->B, t->B_next);
}

/* Runs a job of step `step` on the pool, or on this thread alone for a SOLO
 * step. */
static void run_job(trainer *t, size_t step, nni_pool_fn fn, size_t n_items)
{
    if (way_of(t, step) != WAY_SOLO) {
        nni_pool_run(t->pool, fn, t, n_items);
        return;
    }
    for (size_t i = 0; i < n_items; i++)
        fn(t, i, 0);
}

/* The inputs' rows [r0, r1) with their labels: the feeder's, or gathered
 * while the same rows of the next batch are requested into the cache; as
 * floats into x, or for mostly-zero data as bytes (the feeder's own, or
 * gathered into t->bytes) with their nonzero bits and column bits. */
static void chunk_inputs(trainer *t, size_t r0, size_t r1)
{
    size_t dim = t->d->dim;
    size_t n_next = t->B_next > r0 ? nni_min(CHUNK, t->B_next - r0) : 0;
    if (t->fed_pixels) {
        if (t->x)
            nn_bytes_to_floats(t->x + r0 * dim, t->fed_pixels + r0 * dim, (r1 - r0) * dim);
        memcpy(t->y + r0, t->fed_labels + r0, r1 - r0);
    } else {
        nni_gather(t->x ? t->x + r0 * dim : NULL, t->x ? NULL : t->bytes + r0 * dim, t->y + r0,
                   t->d, t->idx + r0, 0, r1 - r0, t->idx + t->B + r0, n_next);
    }
    if (t->x)
        return;
    for (size_t i = r0; i < r1; i++)
        nni_kernels_active()->row_nz(t->bx.bytes + i * dim, dim, t->nz + i * t->nz_words);
    nni_nz_columns(t->nz_cols + r0 / 32, t->col_words, t->nz + r0 * t->nz_words, t->nz_words,
                   r1 - r0, t->nz_vectors);
}

/* Job 1, one item per chunk of CHUNK rows: the chunk's inputs and labels,
 * then forward, loss with dE/dz_L for E = (sum of the batch's row losses) /
 * B, and backward to dz_0. */
static void forward_backward(void *ctx, size_t c, size_t member)
{
    trainer *t = ctx;
    size_t r0 = c * CHUNK, r1 = nni_min(t->B, r0 + CHUNK);
    int xent = t->loss == NN_LOSS_XENT;
    (void)member;
    chunk_inputs(t, r0, r1);
    nni_forward_rows(t->m, &t->w, t->x, t->x ? NULL : &t->bx, r0, r1, xent);
    t->chunk_correct[c] = nn_correct_rows(t->m, &t->w, t->y, r0, r1, xent);
    nn_loss_rows(t->m, &t->w, t->loss, t->y, r0, r1, t->B, t->row_loss);
    nn_backward_rows(t->m, &t->w, r0, r1);
}

/* Job 2, one item per parameter block: its gradient over the whole batch
 * (dE/dW_l = dz_l^T a_{l-1} and dE/db_l = column sums of dz_l, written),
 * then the optimizer's update of those parameters, row by row unless the
 * block's rows are whole (one contiguous range). */
static void update_block(void *ctx, size_t item, size_t member)
{
    trainer *t = ctx;
    const nn_model *m = t->m;
    const nn_param_block *b = &t->blocks[item];
    size_t in = m->sizes[b->l], rows = b->o1 - b->o0, width = b->k1 - b->k0;
    size_t wo = nn_model_weight_offset(m, b->l) + b->o0 * in + b->k0;
    size_t bo = nn_model_bias_offset(m, b->l) + b->o0;
    (void)member;
    nni_param_grad(m, &t->w, t->x, t->x ? NULL : &t->bx, t->B, b, t->grads, 0);
    if (width == in)
        nn_optim_update(&t->opt, m->params, t->grads, wo, wo + rows * in);
    for (size_t o = 0; width < in && o < rows; o++)
        nn_optim_update(&t->opt, m->params, t->grads, wo + o * in, wo + o * in + width);
    if (b->k0 == 0)
        nn_optim_update(&t->opt, m->params, t->grads, bo, bo + rows);
}

/* The batch loss, row losses added in row order; adds the rows predicted
 * right to *correct. */
static double batch_loss(const trainer *t, size_t *correct)
{
    double loss = 0.0;
    for (size_t i = 0; i < t->B; i++)
        loss += t->row_loss[i];
    for (size_t k = 0; k < nni_chunks(t->B, CHUNK); k++)
        *correct += t->chunk_correct[k];
    return loss;
}

/* The validation loss and accuracy of the epoch's end into p. */
static void validate(trainer *t, nn_progress *p)
{
    double loss;
    size_t correct;
    nni_evaluate_range(t->val, t->n_train, t->n_val, &loss, &correct, NULL);
    p->has_val = 1;
    p->val_loss = loss / (double)t->n_val;
    p->val_accuracy = (double)correct / (double)t->n_val;
}

/* ---- divergence -------------------------------------------------------------- */

static const char *non_finite_name(double v)
{
    return isnan(v) ? "NaN" : "infinite";
}

/* NN_ERR_DIVERGED at this epoch and step, because of what (a phrase). */
static int diverged(nn_error *err, const nn_progress *p, size_t step, const char *what,
                    double v)
{
    return nn_fail(err, NN_ERR_DIVERGED,
                   "training diverged at epoch %zu, step %zu: %s is %s (try a smaller learning "
                   "rate)",
                   p->epoch, step, what, non_finite_name(v));
}

/* The first of n values that is NaN or infinite, or NULL. */
static const float *first_non_finite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return v + i;
    return NULL;
}

/* NN_ERR_DIVERGED, naming the first layer with a parameter that is not
 * finite, if there is one.  One pass over the parameters: the trainer runs
 * it at the end of each epoch only (the loss of every step is checked, and
 * a parameter that is not finite makes the next step's loss so as a rule;
 * this catches the last step of an epoch and what the loss does not show). */
static int check_params(const nn_model *m, const nn_progress *p, size_t step, nn_error *err)
{
    for (size_t l = 0; l < m->n_layers; l++) {
        const float *w = m->params + nn_model_weight_offset(m, l);
        const float *b = m->params + nn_model_bias_offset(m, l);
        const float *bad = first_non_finite(w, m->sizes[l] * m->sizes[l + 1]);
        const char *kind = "weight";
        if (!bad) {
            bad = first_non_finite(b, m->sizes[l + 1]);
            kind = "bias";
        }
        if (bad) {
            char what[48];
            snprintf(what, sizeof what, "a %s of layer %zu", kind, l + 1);
            return diverged(err, p, step, what, *bad);
        }
    }
    return NN_OK;
}

/* The end of the epoch: the parameters checked, and then the validation
 * loss and accuracy (if any) measured into p and checked. */
static int end_epoch(trainer *t, nn_progress *p, size_t step, nn_error *err)
{
    int rc = check_params(t->m, p, step, err);
    if (rc || !t->val)
        return rc;
    validate(t, p);
    return isfinite(p->val_loss) ? NN_OK
                                 : diverged(err, p, step, "the validation loss", p->val_loss);
}

/* ---- the loop ---------------------------------------------------------------- */

/* One epoch, reported in p (epoch, epochs and steps set). */
static int train_epoch(trainer *t, nn_rng *r, nn_progress *p, nn_progress_fn progress,
                       void *ctx, nn_error *err)
{
    double t0 = now_seconds(), loss_sum = 0.0;
    size_t seen = 0, correct = 0;
    nn_rng_shuffle(r, t->perm, t->n_train);
    nni_choice_init(&t->choice, p->epoch == 1 ? NNI_CHOICE_WARM : 0);
    for (size_t step = 1; step <= t->steps; step++) {
        if (t->choosing)
            nni_choice_start(&t->choice, step - 1, now_seconds());
        next_batch(t, step);
        /* forward and backward, chunks of rows over the pool */
        run_job(t, step, forward_backward, nni_chunks(t->B, CHUNK));
        double loss = batch_loss(t, &correct);
        if (!isfinite(loss))
            return diverged(err, p, step, "the loss", loss);
        /* weight gradients and the update, blocks of parameters over the pool */
        nn_optim_begin_step(&t->opt);
        run_job(t, step, update_block, t->n_blocks);
        if (t->choosing)
            nni_choice_end(&t->choice, step - 1, now_seconds());
        /* end of step: running means over the epoch so far */
        loss_sum += loss;
        seen += t->B;
        p->step = step;
        p->loss = loss_sum / (double)seen;
        p->accuracy = (double)correct / (double)seen;
        p->epoch_done = step == t->steps;
        int rc = p->epoch_done ? end_epoch(t, p, step, err) : NN_OK;
        if (rc)
            return rc;
        p->seconds = now_seconds() - t0;
        if (progress && progress(p, ctx))
            return nn_fail(err, NN_ERR_INTERRUPTED,
                           "training interrupted at epoch %zu, step %zu", p->epoch, step);
    }
    return NN_OK;
}

static void fill_info(nn_train_info *info, const nn_train_config *c, size_t n_train,
                      const nn_progress *p)
{
    *info = (nn_train_info){
        .optimizer = c->optimizer,
        .loss = c->loss,
        .lr = c->lr,
        .epochs = (uint32_t)c->epochs,
        .batch = (uint32_t)c->batch,
        .seed = c->seed,
        .val_split = c->val_split,
        .n_train = (uint32_t)n_train,
        .train_loss = (float)p->loss,
        .train_accuracy = (float)p->accuracy,
        .val_loss = p->has_val ? (float)p->val_loss : NAN,
        .val_accuracy = p->has_val ? (float)p->val_accuracy : NAN,
        .test_loss = NAN,
        .test_accuracy = NAN,
    };
}

int nn_train(nn_model *m, const nn_dataset *d, const nn_train_config *c, nn_rng *r,
             nn_progress_fn progress, void *ctx, nn_train_info *info, nn_error *err)
{
    int rc = check_config(m, d, c, err);
    if (rc)
        return rc;
    trainer t;
    rc = trainer_create(&t, m, d, c, err);
    nn_progress p = {.epochs = c->epochs, .steps = t.steps};
    for (size_t epoch = 1; rc == NN_OK && epoch <= c->epochs; epoch++) {
        p.epoch = epoch;
        p.has_val = 0;
        rc = train_epoch(&t, r, &p, progress, ctx, err);
    }
    if (rc == NN_OK && info)
        fill_info(info, c, t.n_train, &p);
    trainer_free(&t);
    return rc;
}

int nn_train_seeded(nn_model *m, const nn_dataset *d, const nn_train_config *c,
                    nn_progress_fn progress, void *ctx, nn_train_info *info, nn_error *err)
{
    nn_rng r;
    nn_rng_seed(&r, c->seed);
    nn_model_init_glorot(m, &r);
    return nn_train(m, d, c, &r, progress, ctx, info, err);
}
