/* train.c - the training loop, evaluation and prediction (see nn_train.h).
 *
 * One epoch, as Keras's fit() runs it:
 *   shuffle the indices of the training part; for each batch of `batch` of them
 *   (the last one partial): gather pixels / 255 into x (B, dim) and labels (B);
 *   forward; loss; zero the gradient; backward with E = mean over the batch;
 *   one optimizer step.  The loss and accuracy reported are running means over
 *   the samples seen so far in the epoch.
 *
 * Buffers, allocated once before the first epoch:
 *   perm    (n_train)         sample order, reshuffled each epoch
 *   x       (batch, dim)      the current batch as floats
 *   y       (batch)           its labels
 *   grads   (n_params)        dE/dparams, model layout
 *   work                      activations for a batch (nn_work)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn_kernels.h"
#include "nn_train.h"

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
 * as floats in [0, 1] and their labels into y (when y is not NULL). */
static void gather(float *x, uint8_t *y, const nn_dataset *d, const uint32_t *idx, size_t first,
                   size_t B)
{
    for (size_t i = 0; i < B; i++) {
        size_t s = idx ? idx[i] : first + i;
        nn_bytes_to_floats(x + i * d->dim, d->pixels + s * d->dim, d->dim);
        if (y)
            y[i] = d->labels[s];
    }
}

/* Loss sum, correct count and (optionally) confusion counts over samples
 * [first, first + n) of d, in batches of the work's size. */
static void eval_range(const nn_model *m, nn_work *w, float *x, uint8_t *y, const nn_dataset *d,
                       size_t first, size_t n, nn_loss_kind loss, double *loss_sum,
                       size_t *correct, size_t *confusion)
{
    size_t C = m->sizes[m->n_layers];
    *loss_sum = 0.0;
    *correct = 0;
    for (size_t done = 0; done < n;) {
        size_t B = n - done < w->max_batch ? n - done : w->max_batch;
        gather(x, y, d, NULL, first + done, B);
        const float *out = nn_forward(m, w, x, B);
        size_t ok;
        *loss_sum += nn_loss(m, w, loss, y, B, &ok);
        *correct += ok;
        if (confusion) {
            for (size_t i = 0; i < B; i++) {
                size_t pred;
                nn_argmax_rows(&pred, out + i * C, 1, C);
                confusion[y[i] * C + pred]++;
            }
        }
        done += B;
    }
}

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
    size_t eval_batch = n_val > 0 && n_val < 256 ? n_val : 256;
    size_t xbatch = batch > eval_batch ? batch : eval_batch;

    uint32_t *perm = malloc(n_train * sizeof *perm);
    float *x = malloc(xbatch * d->dim * sizeof *x);
    uint8_t *y = malloc(xbatch);
    float *grads = malloc(m->n_params * sizeof *grads);
    nn_work w, wv;
    nn_optim opt;
    memset(&w, 0, sizeof w);
    memset(&wv, 0, sizeof wv);
    memset(&opt, 0, sizeof opt);
    if (!perm || !x || !y || !grads) {
        rc = nn_fail(err, NN_ERR_NOMEM, "training: out of memory");
        goto done;
    }
    if ((rc = nn_work_create(&w, m, batch, err)) ||
        (n_val && (rc = nn_work_create(&wv, m, eval_batch, err))) ||
        (rc = nn_optim_create(&opt, c->optimizer, m->n_params, c->lr, err)))
        goto done;
    for (size_t i = 0; i < n_train; i++)
        perm[i] = (uint32_t)i;

    size_t steps = (n_train + batch - 1) / batch;
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
            size_t B = n_train - first < batch ? n_train - first : batch;
            gather(x, y, d, perm + first, 0, B);
            nn_forward(m, &w, x, B);
            size_t ok;
            double batch_loss = nn_loss(m, &w, c->loss, y, B, &ok);
            if (!isfinite(batch_loss)) {
                rc = nn_fail(err, NN_ERR_DIVERGED,
                             "training diverged at epoch %zu, step %zu: the loss is %s "
                             "(try a smaller learning rate)",
                             epoch, step, isnan(batch_loss) ? "NaN" : "infinite");
                goto done;
            }
            memset(grads, 0, m->n_params * sizeof *grads);
            nn_backward(m, &w, c->loss, x, y, B, B, grads, NULL);
            nn_optim_step(&opt, m->params, grads);

            loss_sum += batch_loss;
            correct += ok;
            seen += B;
            p.step = step;
            p.loss = loss_sum / (double)seen;
            p.accuracy = (double)correct / (double)seen;
            p.seconds = now_seconds() - t0;
            if (step == steps) {
                p.epoch_done = 1;
                if (n_val) {
                    double vl;
                    size_t vc;
                    eval_range(m, &wv, x, y, d, n_train, n_val, c->loss, &vl, &vc, NULL);
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
    nn_optim_free(&opt);
    nn_work_free(&wv);
    nn_work_free(&w);
    free(grads);
    free(y);
    free(x);
    free(perm);
    return rc;
}

int nn_evaluate(const nn_model *m, const nn_dataset *d, nn_loss_kind loss, size_t threads,
                nn_eval *e, nn_error *err)
{
    (void)threads;
    memset(e, 0, sizeof *e);
    int rc = check_data(m, d, "evaluation data", err);
    if (rc)
        return rc;
    if ((rc = nn_model_check_loss(m, loss, err)))
        return rc;
    size_t C = m->sizes[m->n_layers], batch = d->n < 256 ? d->n : 256;
    e->confusion = calloc(C * C, sizeof *e->confusion);
    float *x = malloc(batch * d->dim * sizeof *x);
    uint8_t *y = malloc(batch);
    nn_work w;
    memset(&w, 0, sizeof w);
    if (!e->confusion || !x || !y) {
        rc = nn_fail(err, NN_ERR_NOMEM, "evaluation: out of memory");
        goto done;
    }
    if ((rc = nn_work_create(&w, m, batch, err)))
        goto done;
    double loss_sum;
    size_t correct;
    eval_range(m, &w, x, y, d, 0, d->n, loss, &loss_sum, &correct, e->confusion);
    e->n = d->n;
    e->n_classes = C;
    e->loss = loss_sum / (double)d->n;
    e->accuracy = (double)correct / (double)d->n;
done:
    nn_work_free(&w);
    free(y);
    free(x);
    if (rc)
        nn_eval_free(e);
    return rc;
}

void nn_eval_free(nn_eval *e)
{
    free(e->confusion);
    memset(e, 0, sizeof *e);
}

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
    size_t C = m->sizes[m->n_layers], batch = n < 256 ? n : 256;
    float *x = malloc(batch * d->dim * sizeof *x);
    nn_work w;
    int rc = x ? nn_work_create(&w, m, batch, err)
               : nn_fail(err, NN_ERR_NOMEM, "prediction: out of memory");
    if (rc) {
        free(x);
        return rc;
    }
    for (size_t done = 0; done < n;) {
        size_t B = n - done < batch ? n - done : batch;
        gather(x, NULL, d, NULL, first + done, B);
        memcpy(out + done * C, nn_forward(m, &w, x, B), B * C * sizeof *out);
        done += B;
    }
    nn_work_free(&w);
    free(x);
    return NN_OK;
}
