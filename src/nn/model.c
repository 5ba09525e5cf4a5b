/* model.c - the layer stack: creation, initialisation, forward and backward.
 *
 * For layer l with n_in = sizes[l], n_out = sizes[l+1] and a batch of B rows:
 *   forward:   z_l = a_{l-1} W_l^T + b_l        (B, n_out)
 *              a_l = act_l(z_l)                 (B, n_out)
 *   backward:  dz_l = act_l'(z_l) * da_l        (B, n_out)
 *              dW_l += dz_l^T a_{l-1}           (n_out, n_in)
 *              db_l += sum over rows of dz_l    (n_out)
 *              da_{l-1} = dz_l W_l              (B, n_in)
 * with a_{-1} = x and, at the top, da_L from the loss (or dz_L directly for
 * softmax + cross-entropy, fused).
 *
 * Everything that runs the network (nn_backward, the threaded training step,
 * evaluation, prediction, dream) is made of the passes below: forward, loss
 * and dz_L, backward to dz_0 and dE/dx on a range of rows [r0, r1), which
 * threads may split a batch into, and dW, db on a block of one layer's
 * parameters over the batch.  The buffers are nn_work's (nn_model.h), row i
 * of each at offset i * width; the row-range kernels compute each row alone,
 * so the bits never depend on the ranges.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn/kernels.h"
#include "nn/passes.h"
#include "nn_kernels.h"
#include "nn_model.h"

/* The rules every architecture follows, whether it is built, loaded or given
 * on a command line; messages name no file or option (the caller adds them). */
int nn_arch_check(size_t n_layers, const size_t *sizes, const nn_activation *act,
                  nn_error *err)
{
    if (n_layers < 1 || n_layers > NN_MAX_LAYERS)
        return nn_fail(err, NN_ERR_ARG, "%zu layers; between 1 and %d are supported", n_layers,
                       NN_MAX_LAYERS);
    for (size_t l = 0; l <= n_layers; l++) {
        if ((sizes[l] < 1 || sizes[l] > NN_MAX_WIDTH) && l == 0)
            return nn_fail(err, NN_ERR_ARG, "%zu inputs; between 1 and %d are supported",
                           sizes[l], NN_MAX_WIDTH);
        if (sizes[l] < 1 || sizes[l] > NN_MAX_WIDTH)
            return nn_fail(err, NN_ERR_ARG,
                           "layer %zu has width %zu; between 1 and %d are supported", l,
                           sizes[l], NN_MAX_WIDTH);
    }
    for (size_t l = 0; l < n_layers; l++) {
        if ((unsigned)act[l] > NN_ACT_LAST)
            return nn_fail(err, NN_ERR_ARG, "layer %zu has unknown activation code %u", l + 1,
                           (unsigned)act[l]);
        if (act[l] == NN_ACT_SOFTMAX && l + 1 != n_layers)
            return nn_fail(err, NN_ERR_ARG,
                           "softmax on layer %zu of %zu; only the last layer may use it", l + 1,
                           n_layers);
    }
    return NN_OK;
}

int nn_loss_check(nn_activation output, nn_loss_kind loss, nn_error *err)
{
    if (loss != NN_LOSS_XENT && loss != NN_LOSS_MSE)
        return nn_fail(err, NN_ERR_ARG, "unknown loss code %d", (int)loss);
    if (loss == NN_LOSS_XENT && output != NN_ACT_SOFTMAX)
        return nn_fail(err, NN_ERR_ARG,
                       "cross-entropy needs a softmax output layer (this model ends in %s)",
                       nn_activation_name(output));
    return NN_OK;
}

nn_loss_kind nn_loss_default(nn_activation output)
{
    return output == NN_ACT_SOFTMAX ? NN_LOSS_XENT : NN_LOSS_MSE;
}

int nn_model_create(nn_model *m, size_t n_layers, const size_t *sizes,
                    const nn_activation *act, nn_error *err)
{
    memset(m, 0, sizeof *m);
    int rc = nn_arch_check(n_layers, sizes, act, err);
    if (rc)
        return rc;
    size_t n_params = 0, layer, bytes;
    for (size_t l = 0; l < n_layers; l++) {
        /* W_l and b_l: sizes[l+1] (sizes[l] + 1) values */
        if (nni_size_mul(&layer, sizes[l + 1], sizes[l] + 1) ||
            nni_size_add(&n_params, n_params, layer))
            return nn_fail(err, NN_ERR_ARG, "too many parameters for this machine");
    }
    if (nni_size_mul(&bytes, n_params, sizeof(float)))
        return nn_fail(err, NN_ERR_ARG, "too many parameters for this machine");
    m->params = nni_calloc_aligned(n_params, sizeof(float));
    if (!m->params)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for %zu parameters", n_params);
    m->n_layers = n_layers;
    memcpy(m->sizes, sizes, (n_layers + 1) * sizeof *sizes);
    memcpy(m->act, act, n_layers * sizeof *act);
    m->n_params = n_params;
    return NN_OK;
}

void nn_model_free(nn_model *m)
{
    free(m->params);
    memset(m, 0, sizeof *m);
}

size_t nn_model_weight_offset(const nn_model *m, size_t l)
{
    size_t off = 0;
    for (size_t i = 0; i < l; i++)
        off += m->sizes[i + 1] * (m->sizes[i] + 1);
    return off;
}

size_t nn_model_bias_offset(const nn_model *m, size_t l)
{
    return nn_model_weight_offset(m, l) + m->sizes[l + 1] * m->sizes[l];
}

void nn_model_init_glorot(nn_model *m, nn_rng *r)
{
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *w = m->params + nn_model_weight_offset(m, l);
        /* Glorot uniform: L = sqrt(6 / (fan_in + fan_out)), W ~ U(-L, L). */
        double lim = sqrt(6.0 / (double)(n_in + n_out));
        for (size_t i = 0; i < n_out * n_in; i++)
            w[i] = (float)((2.0 * nn_rng_uniform(r) - 1.0) * lim);
        memset(w + n_out * n_in, 0, n_out * sizeof(float));
    }
}

/* Floats of an nn_work for batches of max_batch: 3 max_batch sizes[l+1] per
 * layer (z, a, dz).  Returns -1 if that does not fit in a size_t of bytes. */
/* Floats of one nn_work for batches of max_batch rows: z, a and dz of every
 * layer, each padded to whole cache lines; -1 if that overflows. */
static int work_floats(size_t *out, const nn_model *m, size_t max_batch)
{
    size_t total = 0, n;
    for (size_t l = 0; l < m->n_layers; l++) {
        if (nni_size_mul(&n, max_batch, m->sizes[l + 1]) || n > SIZE_MAX / 4 ||
            nni_size_mul(&n, nni_pad_floats(n), 3) || nni_size_add(&total, total, n))
            return -1;
    }
    if (nni_size_mul(&n, total, sizeof(float)))
        return -1;
    *out = total;
    return 0;
}

int nn_work_create(nn_work *w, const nn_model *m, size_t max_batch, nn_error *err)
{
    memset(w, 0, sizeof *w);
    if (max_batch < 1)
        return nn_fail(err, NN_ERR_ARG, "work: batch size must be at least 1");
    size_t floats;
    if (work_floats(&floats, m, max_batch))
        return nn_fail(err, NN_ERR_NOMEM, "work: batch of %zu is too large", max_batch);
    w->mem = nni_alloc_aligned(floats, sizeof(float));
    if (!w->mem)
        return nn_fail(err, NN_ERR_NOMEM, "work: out of memory for a batch of %zu", max_batch);
    float *p = w->mem;
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n = nni_pad_floats(max_batch * m->sizes[l + 1]);
        w->z[l] = p, p += n;
        w->a[l] = p, p += n;
        w->dz[l] = p, p += n;
    }
    w->max_batch = max_batch;
    return NN_OK;
}

void nn_work_free(nn_work *w)
{
    free(w->mem);
    memset(w, 0, sizeof *w);
}

/* ---- passes over rows [r0, r1) ------------------------------------------- */

/* z_l = a_{l-1} W_l^T + b_l, a_l = act_l(z_l): (n, sizes[l+1]) each for the
 * n = r1 - r0 rows, from a_{-1} = x (n, sizes[0]). */
void nn_forward_rows(const nn_model *m, nn_work *w, const float *x, size_t r0, size_t r1,
                     int to_logits)
{
    nni_forward_rows(m, w, x, NULL, r0, r1, to_logits);
}

/* With bx, the first layer's product is forward_nz's on its bytes (the
 * same bits for finite weights). */
void nni_forward_rows(const nn_model *m, nn_work *w, const float *x, const nni_byte_batch *bx,
                      size_t r0, size_t r1, int to_logits)
{
    size_t L = m->n_layers, n = r1 - r0;
    const float *in = bx ? NULL : x + r0 * m->sizes[0];
    for (size_t l = 0; l < L; l++) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *z = w->z[l] + r0 * n_out, *a = w->a[l] + r0 * n_out;
        const float *W = m->params + nn_model_weight_offset(m, l);
        const float *b = m->params + nn_model_bias_offset(m, l);
        if (l == 0 && bx)
            nni_kernels_active()->forward_nz(z, bx->bytes + r0 * n_in, bx->nz + r0 * bx->nz_words,
                                             bx->nz_words, W, b, n, n_in, n_out);
        else
            nn_matmul_forward(z, in, W, b, n, n_in, n_out);
        if (l + 1 < L || !to_logits)
            nn_activation_forward(m->act[l], a, z, n, n_out);
        in = a;
    }
}

/* The loss function on rows [r0, r1): cross-entropy from the logits z_L,
 * mean squared error from the output a_L, both (n, C); with norm > 0 its
 * gradient for E = sum / norm into dz_L: dE/dz_L for cross-entropy, dE/da_L
 * for mean squared error.  With row_loss, each row's loss too: the
 * cross-entropy kernel gives them from one call over all the rows, the mean
 * squared error is taken a row at a time. */
static double loss_function(const nn_model *m, const nn_work *w, nn_loss_kind loss,
                            const uint8_t *labels, size_t r0, size_t r1, size_t norm,
                            double *row_loss)
{
    size_t L = m->n_layers, C = m->sizes[L], scale = norm ? norm : 1;
    float *grad = norm ? w->dz[L - 1] : NULL;
    if (loss == NN_LOSS_XENT) /* a model has C >= 1 */
        return nni_kernels_active()->xent(w->z[L - 1] + r0 * C, labels + r0,
                                          grad ? grad + r0 * C : NULL, r1 - r0, C, scale,
                                          row_loss ? row_loss + r0 : NULL);
    if (!row_loss)
        return nn_mse_forward_backward(w->a[L - 1] + r0 * C, labels + r0,
                                       grad ? grad + r0 * C : NULL, r1 - r0, C, scale);
    double total = 0.0;
    for (size_t i = r0; i < r1; i++) {
        row_loss[i] = nn_mse_forward_backward(w->a[L - 1] + i * C, labels + i,
                                              grad ? grad + i * C : NULL, 1, C, scale);
        total += row_loss[i];
    }
    return total;
}

double nn_loss_rows(const nn_model *m, nn_work *w, nn_loss_kind loss, const uint8_t *labels,
                    size_t r0, size_t r1, size_t norm, double *row_loss)
{
    size_t L = m->n_layers, C = m->sizes[L];
    double total = loss_function(m, w, loss, labels, r0, r1, norm, row_loss);
    if (norm && loss != NN_LOSS_XENT) {
        /* dE/dz_L = act_L'(z_L) * dE/da_L, in place */
        size_t off = r0 * C;
        nn_activation_backward(m->act[L - 1], w->dz[L - 1] + off, w->dz[L - 1] + off,
                               w->z[L - 1] + off, w->a[L - 1] + off, r1 - r0, C);
    }
    return total;
}

size_t nn_correct_rows(const nn_model *m, const nn_work *w, const uint8_t *labels, size_t r0,
                       size_t r1, int from_logits)
{
    size_t L = m->n_layers, C = m->sizes[L], correct = 0;
    const float *scores = from_logits ? w->z[L - 1] : w->a[L - 1];
    for (size_t i = r0; i < r1; i++) {
        size_t best;
        nn_argmax_rows(&best, scores + i * C, 1, C);
        correct += best == labels[i];
    }
    return correct;
}

/* dz_{l-1} = act_{l-1}'(z_{l-1}) * da_{l-1},  da_{l-1} = dz_l W_l:
 * (n, sizes[l]) from (n, sizes[l+1]) and W_l (sizes[l+1], sizes[l]). */
void nn_backward_rows(const nn_model *m, nn_work *w, size_t r0, size_t r1)
{
    size_t n = r1 - r0;
    for (size_t l = m->n_layers - 1; l > 0; l--) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *da = w->dz[l - 1] + r0 * n_in;
        nn_matmul_backward_input(da, w->dz[l] + r0 * n_out,
                                 m->params + nn_model_weight_offset(m, l), n, n_in, n_out);
        nn_activation_backward(m->act[l - 1], da, da, w->z[l - 1] + r0 * n_in,
                               w->a[l - 1] + r0 * n_in, n, n_in);
    }
}

/* dx = dz_0 W_0: (n, sizes[0]) from (n, sizes[1]) and W_0 (sizes[1], sizes[0]). */
void nn_input_grad_rows(const nn_model *m, const nn_work *w, float *dx, size_t r0, size_t r1)
{
    size_t n_in = m->sizes[0], n_out = m->sizes[1];
    nn_matmul_backward_input(dx + r0 * n_in, w->dz[0] + r0 * n_out, m->params, r1 - r0, n_in,
                             n_out);
}

/* dW_l (+)= dz_l^T a_{l-1} on the block: rows [o0, o1) of dW_l (sizes[l+1],
 * sizes[l]) by columns [k0, k1), from columns [o0, o1) of dz_l (B, sizes[l+1])
 * and columns [k0, k1) of a_{l-1} (B, sizes[l]); db_l[o0, o1) (+)= column sums
 * of dz_l when k0 = 0.  The kernel takes row strides for all three. */
void nni_param_grad(const nn_model *m, const nn_work *w, const float *x, const nni_byte_batch *bx,
                    size_t B, const nn_param_block *b, float *grads, int add)
{
    const nni_kernel_table *K = nni_kernels_active();
    size_t in = m->sizes[b->l], out = m->sizes[b->l + 1];
    float *dw = grads + nn_model_weight_offset(m, b->l) + b->o0 * in + b->k0;
    float *db = b->k0 == 0 ? grads + nn_model_bias_offset(m, b->l) + b->o0 : NULL;
    const float *act = b->l > 0 ? w->a[b->l - 1] : x;
    if (b->l == 0 && bx && !add)
        K->backward_weights_nz(dw, in, db, w->dz[0] + b->o0, out, bx->bytes + b->k0, in, bx->cols,
                               bx->col_words, b->k0, B, b->k1 - b->k0, b->o1 - b->o0);
    else
        K->backward_weights(dw, in, db, w->dz[b->l] + b->o0, out, act + b->k0, in, B,
                            b->k1 - b->k0, b->o1 - b->o0, add);
}

void nn_param_grad(const nn_model *m, const nn_work *w, const float *x, size_t B,
                   const nn_param_block *b, float *grads)
{
    nni_param_grad(m, w, x, NULL, B, b, grads, 1);
}

/* ---- whole batches --------------------------------------------------------- */

const float *nn_forward(const nn_model *m, nn_work *w, const float *x, size_t B)
{
    nn_forward_rows(m, w, x, 0, B, 0);
    return w->a[m->n_layers - 1];
}

double nn_loss(const nn_model *m, const nn_work *w, nn_loss_kind loss, const uint8_t *labels,
               size_t B, size_t *n_correct)
{
    if (n_correct)
        *n_correct = nn_correct_rows(m, w, labels, 0, B, 0);
    return loss_function(m, w, loss, labels, 0, B, 0, NULL);
}

void nn_backward(const nn_model *m, nn_work *w, nn_loss_kind loss, const float *x,
                 const uint8_t *labels, size_t B, size_t norm, float *grads, float *dx)
{
    nn_loss_rows(m, w, loss, labels, 0, B, norm, NULL);
    nn_backward_rows(m, w, 0, B);
    for (size_t l = 0; grads && l < m->n_layers; l++) {
        nn_param_block all = {.l = l, .o0 = 0, .o1 = m->sizes[l + 1], .k0 = 0, .k1 = m->sizes[l]};
        nn_param_grad(m, w, x, B, &all, grads);
    }
    if (dx)
        nn_input_grad_rows(m, w, dx, 0, B);
}

int nn_model_check_loss(const nn_model *m, nn_loss_kind loss, nn_error *err)
{
    return nn_loss_check(m->act[m->n_layers - 1], loss, err);
}
